/**
 * The finality ladder and risk-by-tier commands against four real validator processes:
 * `strike tx status [--watch]`, `strike receipt check`, the TxStatus websocket topic and
 * `strike query positions --state speculative` (any node: one that is not the sequencer forwards it).
 */
import anyTest, { type TestFn } from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import WebSocket from "ws";
import { queryPath } from "../../chain/client/queryRpc.js";
import { QueryServiceName as MarginQuery } from "../../chain/codec/generated/strike/margin/v1/query.js";
import { formatQuote } from "../../modules/orderbook/units.js";
import { rpc, runCli, runCliOk, waitForHeight, portBase } from "../helpers/localNode.js";

interface Proc {
  home: string;
  rpcUrl: string;
  child?: ChildProcess;
  log: string;
}

const test = anyTest as TestFn<{ dir: string; nodes: Proc[] }>;
const bin = resolve(import.meta.dirname, "..", "..", "bin", "strike.js");

test.before(async (t) => {
  t.timeout(400_000);
  const dir = await mkdtemp(join(tmpdir(), "strike-ladder-"));
  const base = await portBase(8);
  await runCliOk([
    "testnet",
    "--validators",
    "4",
    "--output",
    dir,
    "--starting-port",
    String(base),
    "--accounts",
    "alice,bob",
    "--timeout-commit",
    "300ms",
  ]);
  const nodes: Proc[] = Array.from({ length: 4 }, (_, i) => ({
    home: join(dir, `node${i}`),
    rpcUrl: `http://127.0.0.1:${base + 10 * i + 1}`,
    log: "",
  }));
  t.context = { dir, nodes };
  for (const n of nodes) {
    const child = spawn(process.execPath, [bin, "start", "--home", n.home], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d: Buffer) => (n.log = (n.log + d.toString()).slice(-100_000)));
    child.stderr?.on("data", (d: Buffer) => (n.log = (n.log + d.toString()).slice(-100_000)));
    n.child = child;
  }
  for (const n of nodes)
    await waitForHeight(
      n.rpcUrl,
      3n,
      180_000,
      () => n.child?.exitCode ?? null,
      () => n.log,
    );
});

test.after.always(async (t) => {
  if (process.env.STRIKE_E2E_LOGS !== undefined)
    for (const n of t.context.nodes ?? [])
      await writeFile(join(process.env.STRIKE_E2E_LOGS, `ladder-${n.home.split("/").pop()}.log`), n.log);
  for (const n of t.context.nodes ?? []) {
    const c = n.child;
    if (c === undefined || c.exitCode !== null) continue;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGKILL");
    await exited;
  }
  if (t.context.dir !== undefined) await rm(t.context.dir, { recursive: true, force: true });
});

test.serial(
  "a tx's ladder (CLI, RPC and topic) reaches committed with L1 rungs not available, and its receipt checks honoured",
  async (t) => {
    t.timeout(480_000);
    const { nodes, dir } = t.context;
    const n0 = nodes[0]!;
    const keys = ["--home", n0.home, "--keyring-backend", "test"];
    const bob = (await runCliOk(["keys", "show", "bob", "-a", ...keys])).trim();
    const alice = (await runCliOk(["keys", "show", "alice", "-a", ...keys])).trim();

    // Follow alice's txs up the ladder on the websocket.
    const steps: { value: { stage: string; hash: string } }[] = [];
    const ws = new WebSocket(n0.rpcUrl.replace("http", "ws") + "/websocket");
    await new Promise<void>((r, j) => {
      ws.once("open", () => r());
      ws.once("error", j);
    });
    ws.on("message", (raw: Buffer) => {
      const m = JSON.parse(raw.toString()) as { result?: { data?: { value: { stage: string; hash: string } } } };
      if (m.result?.data !== undefined) steps.push(m.result.data);
    });
    const query = `tm.event='TxStatus' AND tx_status.account='${alice}'`;
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { query } }));
    await new Promise((r) => setTimeout(r, 300));

    const out = await runCliOk([
      "tx",
      "bank",
      "send",
      "alice",
      bob,
      "1000uusdc",
      "--fees",
      "5000ustrike",
      "--yes",
      ...keys,
      "--node",
      n0.rpcUrl,
      "--wait",
      "sequenced",
      "--output",
      "json",
    ]);
    const sent = JSON.parse(out) as { txhash: string; receipt: unknown };
    const file = join(dir, "receipt.json");
    await writeFile(file, JSON.stringify(sent.receipt));

    // --watch follows it until nothing more can happen (committed; settlement not wired).
    const watched = await runCliOk(["tx", "status", sent.txhash, "--watch", "--timeout", "60", "--node", n0.rpcUrl]);
    const last = watched.trim().split("\n").at(-1)!;
    t.regex(last, /^received [\d.]+ ms · sequenced [\d.]+ ms · committed [\d.]+ ms · checkpointed n\/a · settled n\/a/);

    const json = JSON.parse(await runCliOk(["tx", "status", sent.txhash, "--output", "json", "--node", n0.rpcUrl])) as {
      stage: string;
      accounts: string[];
      rungs: Record<string, { state: string; elapsed_ms?: number }>;
    };
    t.is(json.stage, "committed");
    t.deepEqual(json.accounts, [alice]);
    t.is(json.rungs["checkpointed"]!.state, "not_available");
    t.true(json.rungs["sequenced"]!.elapsed_ms! <= json.rungs["committed"]!.elapsed_ms!);
    // The same over plain JSON-RPC on another node (it saw the tx through gossip or the block).
    const other = await rpc<{ stage: string }>(nodes[1]!.rpcUrl, "strike_tx_status", { hash: sent.txhash });
    t.is(other.stage, "committed");

    const check = JSON.parse(
      await runCliOk(["receipt", "check", file, "--node", nodes[2]!.rpcUrl, "--output", "json"]),
    ) as {
      verdict: string;
      committed: { height: string } | null;
    };
    t.is(check.verdict, "honoured");
    t.not(check.committed, null);

    for (let i = 0; i < 30 && !steps.some((s) => s.value.stage === "committed"); i++)
      await new Promise((r) => setTimeout(r, 100));
    ws.close();
    const mine = steps.filter((s) => s.value.hash === sent.txhash).map((s) => s.value.stage);
    t.deepEqual(mine.slice(0, 2), ["received", "sequenced"]);
    t.is(mine.at(-1), "committed");

    // An unknown hash is a clear not-found; a malformed one a bad argument, before any call.
    const unknown = await runCli(["tx", "status", "AB".repeat(32), "--node", n0.rpcUrl]);
    t.not(unknown.code, 0);
    t.regex(unknown.stderr, /not been seen/);
    const malformed = await runCli(["tx", "status", "xyz", "--node", n0.rpcUrl]);
    t.not(malformed.code, 0);
    t.regex(malformed.stderr, /64 hex/);
  },
);

test.serial(
  "speculative positions are answered by any node: the sequencer's own, and another one that forwards the query to it and checks its signature",
  async (t) => {
    const { nodes } = t.context;
    const keys = ["--home", nodes[0]!.home, "--keyring-backend", "test"];
    const alice = (await runCliOk(["keys", "show", "alice", "-a", ...keys])).trim();
    const sequencers = async (): Promise<{ seq: number; notSeq: number; address: string }> => {
      const infos = await Promise.all(
        nodes.map((n) => rpc<{ is_self: boolean; address: string }>(n.rpcUrl, "strike_sequencer")),
      );
      return {
        seq: infos.findIndex((i) => i.is_self),
        notSeq: infos.findIndex((i) => !i.is_self),
        address: infos[0]!.address,
      };
    };
    const positions = (node: Proc) =>
      runCli(["query", "positions", alice, "--state", "speculative", "--node", node.rpcUrl, "--output", "json"]);
    const insuranceFund = { path: queryPath(MarginQuery, "InsuranceFund"), data: "" };
    // The epoch may hand over while the queries run: then the answers are about two different
    // sequencers, so the round is read again until the sequencer held still across it.
    let seq = -1;
    for (let attempt = 0; attempt < 6; attempt++) {
      const before = await sequencers();
      // Between two epochs (or in a round above 0) no node sequences for a moment: read again.
      if (before.seq < 0) {
        await new Promise((r) => setTimeout(r, 300));
        continue;
      }
      const [own, forwarded] = await Promise.all([positions(nodes[before.seq]!), positions(nodes[before.notSeq]!)]);
      const direct = await rpc<{ height: string; value: string; relayed_from?: string }>(
        nodes[before.seq]!.rpcUrl,
        "strike_speculative_query",
        insuranceFund,
      );
      const relayed = await rpc<{ height: string; value: string; relayed_from?: string }>(
        nodes[before.notSeq]!.rpcUrl,
        "strike_speculative_query",
        insuranceFund,
      );
      const after = await sequencers();
      if (after.address !== before.address || after.seq !== before.seq) continue;
      t.is(own.code, 0, `the sequencer's node answers: ${own.stderr}`);
      t.is(forwarded.code, 0, `another node answers through the sequencer: ${forwarded.stderr}`);
      const a = JSON.parse(own.stdout) as { state: string; sequencing_height: string; subaccounts: unknown };
      const b = JSON.parse(forwarded.stdout) as { state: string; sequencing_height: string; subaccounts: unknown };
      t.is(a.state, "speculative");
      t.is(b.state, "speculative");
      t.regex(b.sequencing_height, /^\d+$/);
      t.deepEqual(b.subaccounts, a.subaccounts, "the same positions through either node");
      t.is(direct.relayed_from, undefined);
      t.is(relayed.relayed_from, before.address, "the answer came from the sequencer, signed");
      t.is(relayed.value, direct.value);
      // A query the sequencer refuses comes back with its reason, through the other node too.
      const err = await fetch(nodes[before.notSeq]!.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "strike_speculative_query",
          params: { path: queryPath("strike.nope.v1.Query", "Nope"), data: "" },
        }),
      });
      const errBody = (await err.json()) as { error?: { message: string; data?: string } };
      if ((await sequencers()).address !== before.address) continue;
      t.regex(
        errBody.error?.data ?? errBody.error?.message ?? "",
        /unknown query path \/strike\.nope\.v1\.Query\/Nope/,
      );
      seq = before.seq;
      break;
    }
    t.true(seq >= 0, "the sequencer held still across one round of queries within six tries");
    if (seq < 0) return;
    const bad = await runCli(["query", "positions", alice, "--state", "soft", "--node", nodes[seq]!.rpcUrl]);
    t.not(bad.code, 0);
    t.regex(bad.stderr, /committed or speculative/);
  },
);

interface WatchedReceipt {
  stage: string;
  accounts: string[];
  receipt: {
    tx_hash: string;
    fills: { size: string; side: string; account: string; counterparty: string; counterparty_order_id: string }[];
  };
  positions?: { account: string; subaccount: number; market: string; committed_size: string; soft_size: string }[];
  check: { valid: boolean; problem?: string };
}

test.serial(
  "a maker watching its receipts on any node learns that its quote was hit from the taker's receipt, before the commit, with its position by tier",
  async (t) => {
    t.timeout(240_000);
    const { nodes } = t.context;
    const keys = ["--home", nodes[0]!.home, "--keyring-backend", "test"];
    const bob = (await runCliOk(["keys", "show", "bob", "-a", ...keys])).trim();
    const alice = (await runCliOk(["keys", "show", "alice", "-a", ...keys])).trim();
    const send = async (args: string[], node = nodes[0]!) =>
      JSON.parse(await runCliOk(["tx", ...args, "--yes", "--output", "json", ...keys, "--node", node.rpcUrl])) as {
        txhash: string;
        receipt?: { receipt: { tx_hash: string } };
      };
    await send(["margin", "deposit", "20000000000uusdc", "--from", "bob"]);
    await send(["margin", "deposit", "20000000000uusdc", "--from", "alice"]);
    const oracle = JSON.parse(
      await runCliOk(["query", "oracle", "ETH", "--output", "json", "--node", nodes[0]!.rpcUrl]),
    ) as { price: string };
    const price = String(Math.round(Number(oracle.price)));
    const order = (side: string, from: string, extra: string[] = []) => [
      "trade",
      "place",
      "--market",
      "ETH-PERP",
      "--side",
      side,
      "--size",
      "1",
      "--price",
      price,
      ...extra,
      "--from",
      from,
    ];
    // bob's quote: the receipt alone gives its order id (what a cancel takes), before the commit.
    const quoted = await runCliOk([
      "tx",
      ...order("sell", "bob", ["--tif", "post-only", "--wait", "sequenced"]),
      "--yes",
      ...keys,
      "--node",
      nodes[0]!.rpcUrl,
    ]);
    const quoteId = /^order (\d+) \(ETH-PERP\): rests on the book with 1$/m.exec(quoted)?.[1];
    t.truthy(quoteId, quoted);

    // Two watchers of bob's receipts: JSON on one node, text on another; neither need be the sequencer.
    const watch = (node: Proc, args: string[]) => {
      const child = spawn(process.execPath, [bin, "receipt", "watch", "bob", ...keys, "--node", node.rpcUrl, ...args], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      const out = { stdout: "", stderr: "", exited: new Promise<number | null>((r) => child.once("exit", r)) };
      child.stdout.on("data", (d: Buffer) => (out.stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out.stderr += d.toString()));
      return { child, out };
    };
    const json = watch(nodes[3]!, ["--output", "json", "--timeout", "90"]);
    const text = watch(nodes[2]!, ["--stage", "sequenced", "--count", "1", "--timeout", "90"]);
    try {
      // Subscribed once each has said so.
      const deadline = Date.now() + 20_000;
      while (!(json.out.stderr.includes("watching") && text.out.stderr.includes("watching")) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));

      const taken = await send(order("buy", "alice", ["--wait", "sequenced"]), nodes[1]!);
      const hash = taken.txhash.toUpperCase();
      const events = async (): Promise<WatchedReceipt[]> =>
        json.out.stdout
          .split("\n")
          .filter((l) => l.trim() !== "")
          .map((l) => JSON.parse(l) as WatchedReceipt)
          .filter((e) => e.receipt.tx_hash === hash);
      let seen: WatchedReceipt[] = [];
      for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
        seen = await events();
        if (seen.some((e) => e.stage === "committed")) break;
      }
      t.deepEqual(
        seen.map((e) => e.stage),
        ["sequenced", "committed"],
        `alice's receipt reached bob's watcher, sequenced then committed: ${json.out.stderr}`,
      );
      const [sequenced, committed] = seen as [WatchedReceipt, WatchedReceipt];
      // Checked by the watcher itself, not trusted to the node: signed by the sequencer, and consistent.
      t.deepEqual(sequenced.check, { valid: true });
      t.deepEqual(committed.check, { valid: true });
      t.true(sequenced.accounts.includes(bob) && sequenced.accounts.includes(alice));
      const fill = sequenced.receipt.fills[0]!;
      t.like(fill, { side: "buy", account: alice, counterparty: bob, counterparty_order_id: quoteId });
      const units = fill.size;
      const tier = (e: WatchedReceipt, who: string) =>
        e.positions?.find((p) => p.account === who && p.subaccount === 0 && p.market === "ETH-PERP");
      // On receipts only: bob is short 1 softly, nothing of it committed yet; alice the other side.
      t.like(tier(sequenced, bob), { committed_size: "0", soft_size: `-${units}` });
      t.like(tier(sequenced, alice), { committed_size: "0", soft_size: units });
      // Committed: the same size, nothing left on receipts only.
      t.like(tier(committed, bob), { committed_size: `-${units}`, soft_size: "0" });
      t.like(tier(committed, alice), { committed_size: units, soft_size: "0" });

      // bob's own fee, as the committed trade event says the chain charged it. Asked of the
      // node that said "committed": it has the tx by then (another node may not yet).
      const committedTx = await rpc<{
        tx_result: { events: { type: string; attributes: { key: string; value: string }[] }[] };
      }>(nodes[3]!.rpcUrl, "tx", { hash: Buffer.from(hash, "hex").toString("base64") });
      const makerFee = committedTx.tx_result.events
        .find((e) => e.type === "trade")
        ?.attributes.find((a) => a.key === "maker_fee")?.value;
      t.truthy(makerFee);
      const bobFee = formatQuote(BigInt(makerFee!)).replace(/[.]/g, "\\.");
      t.is(await text.out.exited, 0, text.out.stderr);
      t.regex(text.out.stdout, new RegExp(`^sequenced: height \\d+ index \\d+, tx ${hash}`, "m"), text.out.stdout);
      t.regex(
        text.out.stdout,
        new RegExp(
          `^ {2}your fill: sell 1 ETH-PERP @ ${price} \\(maker, your fee ${bobFee} USDC, order ${fill.counterparty_order_id}, subaccount 0\\) against ${alice}/0$`,
          "m",
        ),
        text.out.stdout,
      );
      t.regex(text.out.stdout, new RegExp(`^ {2}position ${bob}/0 ETH-PERP: committed 0, soft -1$`, "m"));
    } finally {
      json.child.kill("SIGINT");
      text.child.kill("SIGINT");
      t.is(await json.out.exited, 0, "Ctrl-C stops a watcher cleanly");
    }
    const bad = await runCli(["receipt", "watch", "bob", ...keys, "--stage", "soft", "--node", nodes[0]!.rpcUrl]);
    t.not(bad.code, 0);
    t.regex(bad.stderr, /--stage must be one of sequenced, rejected, committed, reverted/);
  },
);
