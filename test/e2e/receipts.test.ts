/**
 * Soft finality across real node processes: four validators from `strike testnet`. A tx
 * sent through a node that is not the sequencer gets the sequencer's signed receipt
 * through that node; the receipt verifies offline (and fails once tampered with), and
 * the committed block honours it at the promised height and index.
 */
import anyTest, { type TestFn } from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { rpc, runCli, runCliOk, waitForHeight, portBase } from "../helpers/localNode.js";

interface Proc {
  home: string;
  rpcUrl: string;
  child?: ChildProcess;
  log: string;
}

const test = anyTest as TestFn<{ dir: string; nodes: Proc[] }>;
const bin = resolve(import.meta.dirname, "..", "..", "bin", "strike.js");
const VALIDATORS = 4;

interface SequencerInfo {
  address: string;
  epoch: string;
  is_self: boolean;
}

test.before(async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "strike-receipts-"));
  const base = await portBase(8);
  await runCliOk([
    "testnet",
    "--validators",
    String(VALIDATORS),
    "--output",
    dir,
    "--starting-port",
    String(base),
    "--accounts",
    "alice,bob",
    "--timeout-commit",
    "300ms",
  ]);
  const nodes: Proc[] = Array.from({ length: VALIDATORS }, (_, i) => ({
    home: join(dir, `node${i}`),
    rpcUrl: `http://127.0.0.1:${base + 10 * i + 1}`,
    log: "",
  }));
  t.context = { dir, nodes };
  for (const n of nodes) {
    const child = spawn(process.execPath, [bin, "start", "--home", n.home], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d: Buffer) => (n.log += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (n.log += d.toString()));
    n.child = child;
  }
  for (const n of nodes)
    await waitForHeight(
      n.rpcUrl,
      3n,
      120_000,
      () => n.child?.exitCode ?? null,
      () => n.log,
    );
});

test.after.always(async (t) => {
  for (const n of t.context.nodes ?? []) {
    const c = n.child;
    if (c === undefined || c.exitCode !== null) continue;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGKILL");
    await exited;
  }
  if (t.context.dir !== undefined) await rm(t.context.dir, { recursive: true, force: true });
});

test.serial("every node knows the current sequencer and shows it in status and validators", async (t) => {
  const infos = await Promise.all(t.context.nodes.map((n) => rpc<SequencerInfo>(n.rpcUrl, "strike_sequencer")));
  const selves = infos.filter((i) => i.is_self).length;
  // All nodes agree (the epoch may turn over between the calls: then ask again).
  const agreed = new Set(infos.map((i) => `${i.epoch}/${i.address}`)).size === 1;
  if (agreed) t.is(selves, 1);
  const status = await rpc<{ sequencer_info: SequencerInfo }>(t.context.nodes[0]!.rpcUrl, "status");
  t.regex(status.sequencer_info.address, /^[0-9A-F]{40}$/);
  const vals = await rpc<{ sequencer: SequencerInfo; validators: { address: string }[] }>(
    t.context.nodes[0]!.rpcUrl,
    "validators",
  );
  t.true(vals.validators.some((v) => v.address === vals.sequencer.address));

  // The CLI a validator or trader uses says the same: `strike status` and `query staking validators`.
  const cli = ["--home", t.context.nodes[0]!.home, "--node", t.context.nodes[0]!.rpcUrl];
  const cliStatus = JSON.parse(await runCliOk(["status", "--output", "json", ...cli])) as {
    sequencer_info: SequencerInfo;
  };
  t.regex(cliStatus.sequencer_info.address, /^[0-9A-F]{40}$/);
  t.regex(await runCliOk(["status", ...cli]), /^sequencer: {2}[0-9A-F]{40}, epoch \d+ \(heights \d+–\d+\)/m);
  const rows = JSON.parse(await runCliOk(["query", "staking", "validators", "--output", "json", ...cli])) as {
    validators: { consensus_address: string; sequencer: boolean }[];
    sequencer_info: SequencerInfo;
  };
  const marked = rows.validators.filter((v) => v.sequencer);
  t.is(marked.length, 1, "one validator is the sequencer");
  t.is(marked[0]!.consensus_address, rows.sequencer_info.address);
  const table = await runCliOk(["query", "staking", "validators", ...cli]);
  t.is(table.split("\n").filter((l) => /^node\d \*/.test(l)).length, 1, table);
  t.regex(table, /^\* sequencer: [0-9A-F]{40}, epoch \d+/m);
});

test.serial(
  "a tx sent to a node that is not the sequencer gets its receipt through that node, and the block honours it",
  async (t) => {
    const { nodes, dir } = t.context;
    const h0 = nodes[0]!.home;
    const bob = (await runCliOk(["keys", "show", "bob", "-a", "--home", h0, "--keyring-backend", "test"])).trim();
    type Sent = { txhash: string; receipt: { signed: unknown; receipt: Record<string, unknown> } };
    let sent = undefined as Sent | undefined;
    let via: Proc | undefined;
    let sequencer: SequencerInfo | undefined;
    // The epoch may turn over between choosing the node and sending: retry until the receipt came from elsewhere.
    for (let attempt = 0; attempt < 5 && sent === undefined; attempt++) {
      const infos = await Promise.all(nodes.map((n) => rpc<SequencerInfo>(n.rpcUrl, "strike_sequencer")));
      const i = infos.findIndex((x) => !x.is_self);
      via = nodes[i]!;
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
        "--home",
        h0,
        "--keyring-backend",
        "test",
        "--node",
        via.rpcUrl,
        "--wait",
        "sequenced",
        "--output",
        "json",
      ]);
      const parsed = JSON.parse(out) as Sent;
      const viaStatus = await rpc<{ validator_info: { address: string } }>(via.rpcUrl, "status");
      if (parsed.receipt.receipt["sequencer_address"] !== viaStatus.validator_info.address) {
        sent = parsed;
        sequencer = { ...infos[i]!, address: String(parsed.receipt.receipt["sequencer_address"]) };
      }
    }
    if (sent === undefined || via === undefined || sequencer === undefined)
      return t.fail("no receipt from another node");
    const r = sent.receipt.receipt;
    t.is(r["tx_hash"], sent.txhash);
    t.is(r["status"], "sequenced");
    t.is(r["code"], 0);

    // Offline verification: the CLI checks the signature and the signer.
    const file = join(dir, "receipt.json");
    await writeFile(file, JSON.stringify(sent.receipt));
    const ok = JSON.parse(
      await runCliOk(["receipt", "verify", file, "--sequencer", sequencer.address, "--output", "json"]),
    ) as { valid: boolean; receipt: Record<string, unknown> };
    t.true(ok.valid);
    t.is(ok.receipt["height"], r["height"]);

    // Tampered: another index inside the signed bytes fails, as does a wrong expected signer.
    const tampered = JSON.parse(await readFile(file, "utf8")) as { signed: { signature: string } };
    const sig = Buffer.from(tampered.signed.signature, "base64");
    sig[0] = sig[0]! ^ 1;
    tampered.signed.signature = sig.toString("base64");
    await writeFile(file, JSON.stringify(tampered));
    const bad = await runCli(["receipt", "verify", file]);
    t.not(bad.code, 0);
    t.regex(bad.stderr + bad.stdout, /signature/);
    await writeFile(file, JSON.stringify(sent.receipt));
    const wrongSigner = await runCli(["receipt", "verify", file, "--sequencer", "00".repeat(20)]);
    t.not(wrongSigner.code, 0);

    // The committed block honours it: same height and index, and the relaying node marks it committed.
    let stage = "";
    for (let i = 0; i < 100 && stage !== "committed"; i++) {
      const known = await rpc<{ stage: string }>(via.rpcUrl, "strike_receipt", { hash: sent.txhash, wait_ms: "100" });
      stage = known.stage;
      if (stage === "reverted") break;
      await new Promise((res) => setTimeout(res, 100));
    }
    t.is(stage, "committed");
    const tx = await rpc<{ height: string; index: number; tx_result: { code: number } }>(via.rpcUrl, "tx", {
      hash: Buffer.from(sent.txhash, "hex").toString("base64"),
    });
    t.is(tx.height, String(r["height"]));
    t.is(tx.index, Number(r["index"]));
    t.is(tx.tx_result.code, 0);
    const block = await rpc<{ block: { header: { proposer_address: string } } }>(via.rpcUrl, "block", {
      height: tx.height,
    });
    t.is(block.block.header.proposer_address, sequencer.address);
  },
);
