/**
 * The sequencer's own cost per order, without consensus, RPC or other processes: the
 * in-process app (memory store) sequencing heights as a node does, each pre-signed order
 * admitted through the sequencing mempool — CheckTx (decode, signature, ante), then
 * execution on the speculative state (the ante again, its signature a cache hit, and the
 * order) and receipt signing — timed from arrival to the stored, signed receipt and to the
 * end of admission. A node verifies the signature in its worker pool before CheckTx; here
 * it is on this thread.
 *
 * Every `perHeight` orders the height is sealed, finalized from its speculative execution,
 * committed, and the next one opened, as a node's sequencer does between blocks: one open
 * height taking every order would keep all their writes live in one speculative branch,
 * which a node never does, and each young-generation GC would copy more of them as the
 * run went on. The block steps are timed apart (`blockMs`): on a node they run on the same
 * event loop, and an order that arrives meanwhile waits for them. It does not pipeline: the
 * height's end-block runs in its finalize here, where a node's sequencer runs it on sealing
 * the height (so a node splits these steps over two turns of its event loop).
 *
 * The first `warmup` orders are not counted: they carry the JIT's compilation, which a node
 * pays once at start. `sequencerCostInChild` runs it with the V8 flags a node runs with.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createEd25519Signer } from "../../chain/crypto/ed25519.js";
import { sha256 } from "../../chain/crypto/hash.js";
import { createMempool } from "../../chain/mempool/mempool.js";
import { TimeInForce } from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import { sequencingMempool } from "../../chain/sequencer/admission.js";
import { createReceiptStore } from "../../chain/sequencer/receiptStore.js";
import { createSequencer } from "../../chain/sequencer/sequencer.js";
import { account, CHAIN_ID, signTx } from "../../test/unit/runtime/fixture.js";
import {
  createTradingFixture,
  deposit,
  GENESIS_SECONDS,
  orderSpec,
  place,
  sendBlock,
} from "../../test/integration/trading/fixture.js";
import { NODE_V8_FLAGS } from "../../chain/node/v8Flags.js";
import { hasNodeV8Flags } from "./nodeFlags.js";
import { percentile } from "./machine.js";

export async function sequencerCostInProcess(
  orders: number,
  o: { traders?: number; perHeight?: number; warmup?: number } = {},
) {
  const traders = o.traders ?? 20;
  const perHeight = Math.max(1, o.perHeight ?? 50);
  const warmup = Math.max(0, o.warmup ?? Math.min(orders, 1_000));
  const f = await createTradingFixture({ accounts: traders + 1 });
  const accounts = f.accounts.slice(0, traders);
  await sendBlock(
    f,
    accounts.map((a) => ({ signer: a, msgs: [deposit(a.address, 1_000_000n)] })),
  );
  const seqs = await Promise.all(accounts.map(async (a) => (await account(f, a.address))!.sequence));
  const txs: Uint8Array[] = [];
  for (let i = 0; i < warmup + orders; i++) {
    const k = i % traders;
    const a = accounts[k]!;
    const buy = i % 2 === 0;
    const crossing = i % 10 < 3;
    const offset = 1 + (i % 5);
    const price = String(3000 + (crossing ? (buy ? offset : -offset) : buy ? -offset : offset));
    const spec = orderSpec("ETH-PERP", buy ? "buy" : "sell", "1", price, {
      timeInForce: crossing ? TimeInForce.TIME_IN_FORCE_IOC : TimeInForce.TIME_IN_FORCE_GTC,
    });
    txs.push(
      await signTx(a, {
        sequence: seqs[k]!,
        msgs: [place(a.address, spec)],
        fee: { amount: [{ denom: "ustrike", amount: "100000" }], gas: 4_000_000 },
      }),
    );
    seqs[k]! += 1n;
  }
  const receipts = createReceiptStore();
  const mempool = createMempool({ app: f.app, maxTxs: 100_000, maxBytes: 1 << 28, maxTxBytes: 1 << 20 });
  const sequencer = createSequencer({
    chainId: CHAIN_ID,
    app: f.app,
    pending: () => [],
    signer: createEd25519Signer(new Uint8Array(32).fill(3)),
    epoch: () => 0n,
    receipts,
    maxBlockBytes: 1 << 28,
    maxBlockGas: -1n,
    now: () => performance.now(),
  });
  const admit = sequencingMempool(mempool, sequencer, f.app);
  const proposer = new Uint8Array(20);
  const timeOf = (height: bigint) => ({ seconds: GENESIS_SECONDS + height, nanos: 0 });
  let height = f.height + 1n;
  const open = () =>
    sequencer.openHeight({
      height,
      time: timeOf(height),
      proposerAddress: proposer,
      evidence: [],
      misbehavior: [],
      decidedLastCommit: { votes: [] },
    });
  /** Seal, finalize (from the speculative execution), commit, open the next: what a node does between two heights. */
  const nextHeight = async () => {
    const sealed = sequencer.sealBlock(height);
    if (sealed === undefined || sealed === "abstain") throw new Error(`height ${height} did not seal`);
    const res = f.app.finalizeBlock({
      txs: sealed.txs,
      height,
      time: timeOf(height),
      hash: new Uint8Array(32),
      proposerAddress: proposer,
      misbehavior: [],
      decidedLastCommit: { votes: [] },
    });
    const batch = f.db.batch();
    f.app.commit(batch);
    mempool.update(sealed.txs);
    await batch.write();
    receipts.blockCommitted(height, sealed.txs, res.txResults, performance.now());
    sequencer.committed(height, { txs: sealed.txs, round: 0, time: timeOf(height) });
    f.height = height;
    height++;
    open();
  };
  open();
  const ms: number[] = [];
  const toReceipt: number[] = [];
  const blockMs: number[] = [];
  let receipted = 0;
  let committed = 0;
  let cpu0 = process.cpuUsage();
  let reused0 = f.app.reuse.finalizeReused;
  for (let i = 0; i < txs.length; i++) {
    const counted = i >= warmup;
    if (i === warmup) {
      // CPU time too: on a shared machine the wall time includes waiting for a core.
      cpu0 = process.cpuUsage();
      reused0 = f.app.reuse.finalizeReused;
    }
    const tx = txs[i]!;
    const t0 = performance.now();
    admit.checkAndAdd(tx);
    const r = receipts.get(sha256(tx));
    const t1 = performance.now();
    if (counted) {
      ms.push(t1 - t0);
      if (r !== undefined) toReceipt.push(r.receivedAtMs - t0);
      if (r?.stage === "sequenced") receipted++;
    }
    if ((i + 1) % perHeight === 0 || i === txs.length - 1) {
      const b0 = performance.now();
      await nextHeight();
      if (counted) {
        blockMs.push(performance.now() - b0);
        committed++;
      }
    }
  }
  const cpu = process.cpuUsage(cpu0);
  blockMs.sort((a, b) => a - b);
  const firstHalf = ms.slice(0, ms.length / 2).reduce((a, b) => a + b, 0) / (ms.length / 2);
  const secondHalf = ms.slice(ms.length / 2).reduce((a, b) => a + b, 0) / (ms.length / 2);
  ms.sort((a, b) => a - b);
  toReceipt.sort((a, b) => a - b);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    orders,
    warmupOrders: warmup,
    ordersPerHeight: perHeight,
    receipted,
    /** Heights sealed and committed while the counted orders ran, and how many finalized from their speculative execution. */
    heights: committed,
    heightsFinalizedFromSpeculation: f.app.reuse.finalizeReused - reused0,
    /** Arrival to the stored, signed receipt (the mempool's CheckTx runs after it). */
    receiptP50Ms: r3(percentile(toReceipt, 50)),
    receiptP99Ms: r3(percentile(toReceipt, 99)),
    /** Arrival to the end of admission (receipt, then CheckTx). */
    p50Ms: r3(percentile(ms, 50)),
    p99Ms: r3(percentile(ms, 99)),
    maxMs: r3(ms.at(-1)!),
    /** Seal, finalize, commit and open the next height: what an arriving order can wait behind on a node's event loop. */
    blockMs: { p50: r3(percentile(blockMs, 50)), max: r3(blockMs.at(-1) ?? NaN) },
    /** This process's CPU (every thread: GC helpers too) per counted order, the height steps included. */
    cpuMsPerOrder: r3((cpu.user + cpu.system) / 1000 / orders),
    meanMsFirstHalf: r3(firstHalf),
    meanMsSecondHalf: r3(secondHalf),
    /** Whether this process runs with the V8 flags a node runs with (NODE_V8_FLAGS). */
    nodeV8Flags: hasNodeV8Flags(),
  };
}

type InProcessOptions = NonNullable<Parameters<typeof sequencerCostInProcess>[1]>;
type InProcessResult = Awaited<ReturnType<typeof sequencerCostInProcess>>;

const CHILD_ENV = "STRIKE_BENCH_SEQUENCER_IN_PROCESS";
/** Far past a normal run (seconds for thousands of orders), short of the benchmark's deadline. */
const CHILD_TIMEOUT_MS = 10 * 60_000;

/**
 * `sequencerCostInProcess` in a child process started with the node's V8 flags
 * (NODE_V8_FLAGS): the young generation's size sets how often, and how long, a GC pauses
 * the sequencer, and V8 fixes it when a process starts. So the figure is the sequencer's as
 * a node runs it, whatever flags the benchmark itself was started with.
 */
export function sequencerCostInChild(orders: number, o: InProcessOptions = {}): InProcessResult {
  const r = spawnSync(process.execPath, [...NODE_V8_FLAGS, ...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, [CHILD_ENV]: JSON.stringify({ orders, ...o }) },
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
    // The caller's event loop (and its watchdog) waits meanwhile: a child that hangs is ended.
    timeout: CHILD_TIMEOUT_MS,
  });
  const last = (r.stdout ?? "").trim().split("\n").at(-1) ?? "";
  if (r.error !== undefined || r.status !== 0 || !last.startsWith("{")) {
    const why = r.error !== undefined ? String(r.error) : `exit ${r.status}`;
    throw new Error(`the in-process sequencer run failed (${why}): ${(r.stderr ?? "").slice(-2_000)}`);
  }
  return JSON.parse(last) as InProcessResult;
}

if (process.env[CHILD_ENV] !== undefined && import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { orders, ...o } = JSON.parse(process.env[CHILD_ENV]) as InProcessOptions & { orders: number };
  console.log(JSON.stringify(await sequencerCostInProcess(orders, o)));
}
