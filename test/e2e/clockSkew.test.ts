/**
 * Nemesis, clock skew (issue 9): four validator processes on loopback under a steady load
 * of bank sends, one validator's clock 30 s ahead and one 30 s behind
 * (`strike start --x-clock-skew-for-testing=±30s`, which shifts the wall clock consensus
 * reads: block, proposal and vote times). Every validator sequences epochs in turn, so
 * blocks are proposed under each clock.
 *
 * Block time is the proposer's clock, never earlier than the previous block + 1 ms
 * (chain/consensus/blockFactory.ts `nextBlockTime`), and a validator prevotes nil on a
 * proposal whose time is more than MAX_PROPOSAL_AHEAD_MS (10 s) ahead of its own clock, or
 * more than MAX_PROPOSAL_BEHIND_MS (10 s) before the precommits of two heights back
 * (chain/consensus/timeliness.ts). So the fast validator's blocks never get in, and the slow
 * one's, each 1 ms after the one before while it sequences (epochs of EPOCH_LENGTH heights,
 * long enough to fall 10 s behind), get in only until they are 10 s behind: the chain stays
 * live, with no fork, every block time strictly after the one before and within 10 s of
 * real time (either way), the only refusals for time, and the skewed validators at the head
 * with the others.
 */
import anyTest, { type TestFn } from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { jsonRpcQuerier } from "../../chain/client/comet.js";
import { MAX_PROPOSAL_AHEAD_MS, MAX_PROPOSAL_BEHIND_MS } from "../../chain/consensus/driver.js";
import { cosmosQueries } from "../../chain/client/queries.js";
import { createQueryRpc } from "../../chain/client/queryRpc.js";
import { addGenesisAccount, type GenesisDoc } from "../../genesis/index.js";
import { fetchAccountNumbers, newSender } from "../../bench/lib/sendPhase.js";
import { sha256, signSend, type Sender } from "../../bench/lib/sendTx.js";
import { rpc, runCliOk, waitForHeight, portBase } from "../helpers/localNode.js";

interface Proc {
  name: string;
  home: string;
  rpcUrl: string;
  skew: string | undefined;
  child?: ChildProcess;
  log: string;
  address?: string;
}

interface Ctx {
  dir: string;
  nodes: Proc[];
  chainId: string;
  senders: Sender[];
}

const test = anyTest as TestFn<Ctx>;
const bin = resolve(import.meta.dirname, "..", "..", "bin", "strike.js");
/** node1 runs 30 s ahead, node2 30 s behind; node0 and node3 on the real clock. */
const SKEWS = [undefined, "+30s", "-30s", undefined];
const LANES = 4;
/** At least this many heights under load, and until every validator has proposed. */
const MIN_HEIGHTS = 70n;
/** Heights per sequencer epoch: at ~3 heights a second the slow sequencer's time falls 10 s behind within one. */
const EPOCH_LENGTH = 96;
/** How late the test may see a height after it committed (polling, a loaded machine). */
const OBSERVE_SLACK_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
const nsOf = (rfc3339: string): bigint => {
  // "2026-12-02T10:40:12.123456789Z": Date keeps ms only, the fraction is read whole.
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(rfc3339);
  if (m === null) throw new Error(`not an RFC 3339 UTC time: ${rfc3339}`);
  const seconds = BigInt(Date.parse(`${m[1]}Z`) / 1000);
  return seconds * 1_000_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
};

function start(p: Proc): void {
  const args = [
    bin,
    "start",
    "--home",
    p.home,
    ...(p.skew === undefined ? [] : [`--x-clock-skew-for-testing=${p.skew}`]),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const append = (d: Buffer) => (p.log = (p.log + d.toString()).slice(-400_000));
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  p.child = child;
}

async function height(p: Proc): Promise<bigint> {
  const s = await rpc<{ sync_info: { latest_block_height: string } }>(p.rpcUrl, "status");
  return BigInt(s.sync_info.latest_block_height);
}

test.before(async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "strike-skew-"));
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
    "alice",
    "--timeout-commit",
    "200ms",
  ]);
  const senders = Array.from({ length: LANES }, newSender);
  const nodes: Proc[] = SKEWS.map((skew, i) => ({
    name: `node${i}`,
    home: join(dir, `node${i}`),
    rpcUrl: `http://127.0.0.1:${base + 10 * i + 1}`,
    skew,
    log: "",
  }));
  let genesis = JSON.parse(await readFile(join(nodes[0]!.home, "config", "genesis.json"), "utf8")) as GenesisDoc;
  genesis = {
    ...genesis,
    app_state: { ...genesis.app_state, sequencer: { params: { epoch_length: String(EPOCH_LENGTH) } } },
  };
  for (const s of senders)
    genesis = addGenesisAccount(genesis, s.address, [
      { denom: "ustrike", amount: "100000000000" },
      { denom: "uusdc", amount: "100000000000" },
    ]);
  for (const n of nodes) await writeFile(join(n.home, "config", "genesis.json"), JSON.stringify(genesis, null, 2));
  t.context = { dir, nodes, chainId: genesis.chain_id, senders };
  for (const n of nodes) start(n);
  for (const n of nodes)
    await waitForHeight(
      n.rpcUrl,
      2n,
      120_000,
      () => n.child?.exitCode ?? null,
      () => n.log,
    );
  for (const n of nodes)
    n.address = (await rpc<{ validator_info: { address: string } }>(n.rpcUrl, "status")).validator_info.address;
  await fetchAccountNumbers(nodes[0]!.rpcUrl, senders);
});

test.after.always(async (t) => {
  for (const n of t.context.nodes ?? []) {
    const c = n.child;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) continue;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGKILL");
    await exited;
  }
  if (process.env.STRIKE_E2E_LOGS !== undefined)
    for (const n of t.context.nodes ?? [])
      await writeFile(join(process.env.STRIKE_E2E_LOGS, `clockSkew-${n.name}.log`), n.log);
  if (t.context.dir !== undefined) await rm(t.context.dir, { recursive: true, force: true });
});

async function sequenceOf(rpcUrl: string, s: Sender): Promise<bigint> {
  const res = await cosmosQueries(createQueryRpc(jsonRpcQuerier(rpcUrl))).auth.Account({ address: s.address });
  return BaseAccount.decode(res.account!.value).sequence;
}

/** Lanes of bank sends, each to the nodes in turn, one at a time until committed; hash -> height seen. */
function startLoad(c: Ctx, committed: Map<string, bigint>) {
  let running = true;
  const lane = async (i: number) => {
    const s = c.senders[i]!;
    let seq = 0n;
    for (let n = i; running; n++) {
      const node = c.nodes[n % c.nodes.length]!;
      try {
        const tx = signSend(s, c.senders[(i + 1) % LANES]!.address, seq, c.chainId);
        const hash = sha256(tx);
        const r = await rpc<{ code: number }>(node.rpcUrl, "broadcast_tx_sync", {
          tx: Buffer.from(tx).toString("base64"),
        });
        if (r.code !== 0) throw new Error(`broadcast_tx_sync code ${r.code}`);
        for (const deadline = Date.now() + 20_000; running && Date.now() < deadline;) {
          await sleep(250);
          try {
            const found = await rpc<{ height: string }>(node.rpcUrl, "tx", {
              hash: Buffer.from(hash).toString("base64"),
            });
            committed.set(hex(hash), BigInt(found.height));
            seq++;
            break;
          } catch {
            // not committed yet
          }
        }
      } catch {
        // A refused or lost tx: the sequence is read again from the chain.
        await sleep(300);
        seq = await sequenceOf(node.rpcUrl, s).catch(() => seq);
      }
    }
  };
  const lanes = Array.from({ length: LANES }, (_, i) => lane(i));
  return async () => {
    running = false;
    await Promise.all(lanes);
  };
}

test.serial(
  "validators 30 s ahead and 30 s behind: the chain stays live under load, no fork, block times monotonic and within the skew, the skewed nodes keep up",
  async (t) => {
    t.timeout(600_000);
    const { nodes } = t.context;
    const committed = new Map<string, bigint>();
    const observedAt = new Map<bigint, number>();
    const first = await height(nodes[0]!);
    const stopLoad = startLoad(t.context, committed);
    const proposers = new Set<string>();
    let top = first;
    const startedAt = Date.now();
    // Until MIN_HEIGHTS more heights, a block proposed by each validator and the slow one's epoch ended (at most 5 minutes).
    while (Date.now() - startedAt < 300_000) {
      const h = await height(nodes[0]!);
      for (let k = top + 1n; k <= h; k++) observedAt.set(k, Date.now());
      if (h > top) {
        const b = await rpc<{ block: { header: { proposer_address: string } } }>(nodes[0]!.rpcUrl, "block", {
          height: String(h),
        });
        proposers.add(b.block.header.proposer_address);
      }
      top = h;
      // Every validator but the fast one gets blocks in; the fast one's are refused, and the slow one's once late.
      const slowRefused = nodes.some((n) => /before the precommits of height/.test(n.log));
      if (top - first >= MIN_HEIGHTS && proposers.size >= nodes.length - 1 && slowRefused) break;
      await sleep(100);
    }
    await stopLoad();
    const elapsed = Date.now() - startedAt;
    t.true(top - first >= MIN_HEIGHTS, `${top - first} heights in ${elapsed} ms`);

    // The skewed nodes keep up: every node reaches the head within a few blocks' time.
    const head = await height(nodes[0]!);
    for (const n of nodes)
      await waitForHeight(
        n.rpcUrl,
        head,
        15_000,
        () => n.child?.exitCode ?? null,
        () => n.log,
      );

    const byProposer = new Map<string, { blocks: number; maxLeadMs: number; minLeadMs: number }>();
    let prevNs: bigint | undefined;
    let maxLeadMs = -Infinity;
    let minLeadMs = Infinity;
    for (let h = 1n; h <= head; h++) {
      const blocks = await Promise.all(
        nodes.map((n) =>
          rpc<{ block_id: { hash: string }; block: { header: { time: string; proposer_address: string } } }>(
            n.rpcUrl,
            "block",
            { height: String(h) },
          ),
        ),
      );
      const hashes = new Set(blocks.map((b) => b.block_id.hash));
      t.is(hashes.size, 1, `fork at height ${h}: ${[...hashes].join(" ")}`);
      const header = blocks[0]!.block.header;
      const ns = nsOf(header.time);
      if (prevNs !== undefined)
        t.true(ns >= prevNs + 1_000_000n, `block ${h} at ${header.time}, not 1 ms after the block before`);
      prevNs = ns;
      const seen = observedAt.get(h);
      if (seen === undefined) continue;
      // Lead of the block's time over the moment the test saw it committed (ms).
      const lead = Number(ns / 1_000_000n) - seen;
      maxLeadMs = Math.max(maxLeadMs, lead);
      minLeadMs = Math.min(minLeadMs, lead);
      t.true(
        lead <= MAX_PROPOSAL_AHEAD_MS,
        `block ${h} is ${lead} ms ahead of real time, beyond the ${MAX_PROPOSAL_AHEAD_MS} ms bound`,
      );
      t.true(
        lead >= -MAX_PROPOSAL_BEHIND_MS - OBSERVE_SLACK_MS,
        `block ${h} is ${-lead} ms behind real time, beyond the ${MAX_PROPOSAL_BEHIND_MS} ms bound`,
      );
      const p = byProposer.get(header.proposer_address) ?? { blocks: 0, maxLeadMs: -Infinity, minLeadMs: Infinity };
      p.blocks++;
      p.maxLeadMs = Math.max(p.maxLeadMs, lead);
      p.minLeadMs = Math.min(p.minLeadMs, lead);
      byProposer.set(header.proposer_address, p);
    }
    for (const n of nodes) {
      const p = byProposer.get(n.address!);
      t.log(
        `${n.name} (clock ${n.skew ?? "real"}): proposed ${p?.blocks ?? 0} blocks, their time ${p?.minLeadMs} .. ${p?.maxLeadMs} ms from when seen`,
      );
      if (n === nodes[1]) t.is(p?.blocks ?? 0, 0, `${n.name}, 30 s ahead, got a block in`);
      else t.true((p?.blocks ?? 0) > 0, `${n.name} proposed no block`);
    }
    // The knob works: the others refused the fast node's proposals for their time, ~30 s ahead.
    const refusals = nodes.flatMap((n) =>
      [...n.log.matchAll(/invalid proposed block.*problem="([^"]*)"/g)].map((m) => m[1]!),
    );
    t.true(
      refusals.some((r) => /block time (2\d|3\d)\d{3} ms ahead/.test(r)),
      `a proposal some 30 s ahead was refused: ${refusals.slice(0, 3).join(" | ")}`,
    );
    // And the slow node's, once 10 s behind the precommits two heights back.
    t.true(
      refusals.some((r) => /block time 1\d{4} ms before the precommits of height/.test(r)),
      `a proposal over 10 s behind was refused: ${refusals.slice(0, 3).join(" | ")}`,
    );

    // Every tx a client saw committed is at that height on every node.
    for (const [hash, h] of committed)
      for (const n of nodes) {
        const found = await rpc<{ height: string }>(n.rpcUrl, "tx", {
          hash: Buffer.from(hash, "hex").toString("base64"),
        });
        t.is(BigInt(found.height), h, `tx ${hash} on ${n.name}`);
      }
    // Proposals were refused only for their time, and no node stalled on a signature.
    t.deepEqual(
      refusals.filter((r) => !/ahead of this node's clock|before the precommits of height/.test(r)),
      [],
      "a proposal refused for something other than its time",
    );
    for (const n of nodes) {
      t.false(/cannot sign|not signing/.test(n.log), `${n.name} failed to sign`);
    }
    t.log(
      `${head - first} heights in ${elapsed} ms under load (${committed.size} txs committed); block time ${minLeadMs} .. ${maxLeadMs} ms from when seen; heights 1..${head} identical on 4 nodes`,
    );
  },
);
