/**
 * Soft-finality latency on a 4-validator localnet on this machine: orders (70% resting
 * GTC quotes, 30% crossing IOC) from many accounts, each account's txs in sequence order
 * (the next sent once the previous is answered), paced at 100, 500 and 1,000 orders/s.
 * Half the accounts send to the sequencer's node, half to another node. Per phase:
 *
 * - receipt latency server-side: arrival at the sequencer's node to the signed receipt
 *   (its finality ladder: `received` → `sequenced`, node-local clock: the speculative
 *   execution with its ante, and signing; the mempool's CheckTx runs after the receipt),
 *   for txs that arrived there from a client;
 * - receipt latency at the client: send → broadcast_tx_sync's answer carrying the
 *   receipt, to the sequencer's node and through another node;
 * - commit latency: send → the block's NewBlock event at the client, and the
 *   receipt-to-commit gap.
 *
 * - where the cores went (bench/lib/threadCpu.ts): the sequencer's event loop running and
 *   waiting for a core, the other validators and the clients, and the machine's busy and
 *   stolen time, which says what limits the phase's figures;
 *
 * - the sequencer's own cost per order in process (no consensus, RPC or other processes:
 *   what server-side latency is when the core is free), with the node's V8 flags, for each
 *   phase's rate: heights sealed and committed every IN_PROCESS_BLOCK_S of orders at that
 *   rate, as the localnet's blocks come, and those block steps timed (an order that arrives
 *   on a node while they run waits for them).
 *
 * Also measured in the same run: this machine's floor, that is the same figures for one
 * order at a time on the idle localnet (before and after the load), the ceiling for the
 * work a receipt needs (secp256k1 verification and ed25519 signing on one core), and the
 * load average (before, per phase, after, with /proc/loadavg's runnable count). Each phase
 * reports its p50/p99 against the floor.
 *
 * Made to survive a loaded, shared machine: every RPC has a timeout, a send that times out
 * retires its account (its sequence is unknown), a failing phase is recorded and the next
 * one runs, and a watchdog writes what was measured so far if the whole run overstays.
 * Writes bench/results/receipt-latency.json.
 *
 *   npx tsx bench/receiptLatency.ts   (BENCH_ACCOUNTS, BENCH_SECONDS, BENCH_NODE_ARGS, BENCH_RATES=100,500,1000,
 *     BENCH_WARMUP_RATE=300, BENCH_WARMUP_SECONDS=10,
 *     BENCH_RPC_TIMEOUT_MS=15000, BENCH_DEADLINE_S=1500, BENCH_IN_PROCESS_ORDERS=1000)
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import WebSocket from "ws";
import { MsgDeposit } from "../chain/codec/generated/strike/margin/v1/tx.js";
import {
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
  TriggerType,
} from "../chain/codec/generated/strike/orderbook/v1/order.js";
import { MsgPlaceOrder } from "../chain/codec/generated/strike/orderbook/v1/tx.js";
import { createEd25519Signer } from "../chain/crypto/ed25519.js";
import { secp256k1PublicKey, signSecp256k1, verifySecp256k1 } from "../chain/crypto/secp256k1.js";
import { sequencerIndex, startSequencerLocalnet, type Sender } from "../test/helpers/sequencerLocalnet.js";
import { jsonRpc } from "./lib/jsonRpc.js";
import { percentile, writeResult } from "./lib/machine.js";
import { benchNodeEnv, localnetNodeArgs } from "./lib/nodeArgs.js";
import { sequencerCostInChild } from "./lib/sequencerInProcess.js";
import { sha256, signMessages } from "./lib/sendTx.js";
import { cpuBetween, cpuSnapshot } from "./lib/threadCpu.js";

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 120);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const RATES = (process.env.BENCH_RATES ?? "100,500,1000").split(",").map(Number);
/** The warm-up load before any figure (0 seconds: none). */
const WARMUP_RATE = Number(process.env.BENCH_WARMUP_RATE ?? 300);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const RPC_TIMEOUT_MS = Number(process.env.BENCH_RPC_TIMEOUT_MS ?? 15_000);
const DEADLINE_MS = Number(process.env.BENCH_DEADLINE_S ?? 1_500) * 1000;
const IN_PROCESS_ORDERS = Number(process.env.BENCH_IN_PROCESS_ORDERS ?? 1_000);
/** About the localnet's block interval here with timeout_commit 200 ms (the floor's blockIntervalMs, ~240 ms). */
const IN_PROCESS_BLOCK_S = 0.25;
/** Idle orders, one at a time, that measure the floor. */
const FLOOR_ORDERS = 12;
/** At most this long for each floor measurement (a commit can take seconds on a loaded machine). */
const FLOOR_MS = 90_000;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Stats = ReturnType<typeof stats>;

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, p50: r(percentile(s, 50)), p99: r(percentile(s, 99)), max: r(s.at(-1) ?? NaN) };
}

/** Operations per second of `fn` on this core for ~ms milliseconds. */
function rate(fn: () => void, ms: number): number {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) {
    fn();
    n++;
  }
  return Math.round((n * 1000) / (performance.now() - start));
}

/** The 1, 5, 15 minute load averages and /proc/loadavg's "runnable/total" scheduling entities. */
function load() {
  let runnable: string | undefined;
  try {
    runnable = readFileSync("/proc/loadavg", "utf8").split(" ")[3];
  } catch {
    runnable = undefined;
  }
  const [m1, m5, m15] = loadavg().map((x) => Math.round(x * 100) / 100);
  return { m1, m5, m15, ...(runnable === undefined ? {} : { runnableOverTotal: runnable }) };
}

/** A JSON-RPC call that gives up after RPC_TIMEOUT_MS (a node that never answers must not hang the run). */
function rpc<T>(url: string, method: string, params: Record<string, unknown> = {}): Promise<T> {
  return jsonRpc<T>(url, method, params, RPC_TIMEOUT_MS);
}

/** A figure over its floor (how many times slower than the idle localnet in the same run). */
function ratio(x: number, floor: number): number | null {
  return Number.isFinite(x) && Number.isFinite(floor) && floor > 0 ? Math.round((x / floor) * 100) / 100 : null;
}

function machineCeiling() {
  const key = sha256(new TextEncoder().encode("ceiling"));
  const pub = secp256k1PublicKey(key);
  const msg = new Uint8Array(200).fill(1);
  const sig = signSecp256k1(key, msg);
  const ed = createEd25519Signer(new Uint8Array(32).fill(3));
  return {
    secp256k1VerifyPerSecondOneCore: rate(() => verifySecp256k1(pub, msg, sig), 700),
    ed25519SignPerSecondOneCore: rate(() => ed.sign(msg), 700),
  };
}

function orderTx(s: Sender, seq: bigint, chainId: string, i: number): Uint8Array {
  const buy = i % 2 === 0;
  const crossing = i % 10 < 3;
  const offset = 1 + (i % 20);
  const ticks = 30_000 + (crossing ? (buy ? offset : -offset) : buy ? -offset : offset);
  const value = MsgPlaceOrder.encode({
    owner: s.address,
    subaccount: 0,
    order: {
      market: "ETH-PERP",
      side: buy ? Side.SIDE_BUY : Side.SIDE_SELL,
      price: `${Math.floor(ticks / 10)}.${ticks % 10}`,
      size: `0.00${1 + (i % 9)}`,
      timeInForce: crossing ? TimeInForce.TIME_IN_FORCE_IOC : TimeInForce.TIME_IN_FORCE_GTC,
      orderType: OrderType.ORDER_TYPE_LIMIT,
      reduceOnly: false,
      clientId: 0n,
      goodTilBlock: 0n,
      goodTilTime: 0n,
      triggerType: TriggerType.TRIGGER_TYPE_UNSPECIFIED,
      triggerPrice: "",
      selfTrade: SelfTradePrevention.SELF_TRADE_PREVENTION_UNSPECIFIED,
      selfTradeAllSubaccounts: false,
    },
  }).finish();
  return signMessages(s, [{ typeUrl: "/strike.orderbook.v1.MsgPlaceOrder", value }], seq, chainId, 2_000_000n);
}

interface Sample {
  hash: string;
  node: number;
  sentAt: number;
  receiptAt?: number;
  signer?: string;
  /** CheckTx code; -1 while unanswered or when the send failed (then `error` says why). */
  code: number;
  commitAt?: number;
  /** The answer had no receipt: why, as the node said (`receipt_missing.reason`). */
  missing?: string;
  error?: string;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 200);

/** What a run measured so far; written as it is when the run fails or overstays. */
const result: Record<string, unknown> = {
  status: "running",
  setup: {
    validators: 4,
    accounts: ACCOUNTS,
    secondsPerPhase: SECONDS,
    timeoutCommitMs: 200,
    rpcTimeoutMs: RPC_TIMEOUT_MS,
    nodeArgs: localnetNodeArgs(),
    nodeEnv: benchNodeEnv(),
  },
  targets: {
    serverSideP50Ms: 1,
    serverSideP99Ms: 5,
    atOrdersPerSecond: 500,
    clientP50ToSequencerMs: 5,
    clientP50ThroughAnotherNodeMs: 10,
  },
};
let written = false;

function finish(status: string): void {
  if (written) return;
  written = true;
  result["status"] = status;
  result["loadAverageAfter"] = load();
  console.log(writeResult("receipt-latency", result));
}

async function main(): Promise<void> {
  result["loadAverageBefore"] = load();
  const ceilingBefore = machineCeiling();
  result["machineCeiling"] = { before: ceilingBefore };
  const inProcess = RATES.map((rate) => {
    const perHeight = Math.max(1, Math.round(rate * IN_PROCESS_BLOCK_S));
    return { ordersPerSecond: rate, ...sequencerCostInChild(IN_PROCESS_ORDERS, { perHeight }) };
  });
  result["sequencerCostInProcess"] = inProcess;
  console.log(JSON.stringify({ inProcess, load: load() }));
  // A long epoch: the sequencer stays put through the run (a hand-over is measured by the kill test, not here).
  const net = await startSequencerLocalnet({
    senders: ACCOUNTS,
    timeoutCommit: "200ms",
    epochLength: 100_000,
    // The V8 flags `make start` gives its validators, then BENCH_NODE_ARGS (--cpu-prof, --heap-prof, ...) for each.
    nodeArgs: localnetNodeArgs(),
    nodeEnv: benchNodeEnv(),
  });
  stopNet = () => net.stop();
  try {
    const { nodes, senders, chainId } = net;
    const seqI = await sequencerIndex(nodes);
    const other = (seqI + 1) % nodes.length;
    const addresses = await Promise.all(
      nodes.map(
        async (n) => (await rpc<{ validator_info: { address: string } }>(n.rpcUrl, "status")).validator_info.address,
      ),
    );
    // Even accounts send to the sequencer's node, odd ones through another node.
    const nodeOf = (a: number) => (a % 2 === 0 ? seqI : other);

    const samples = new Map<string, Sample>();
    const blockAt: number[] = [];
    const ws = new WebSocket(nodes[seqI]!.rpcUrl.replace("http", "ws") + "/websocket");
    await new Promise<void>((r, j) => {
      ws.once("open", () => r());
      ws.once("error", j);
    });
    ws.on("error", () => undefined);
    ws.on("message", (data: Buffer) => {
      const now = performance.now();
      const msg = JSON.parse(data.toString()) as {
        result?: { data?: { value?: { block?: { data?: { txs?: string[] | null } } } } };
      };
      const block = msg.result?.data?.value?.block;
      if (block === undefined) return;
      blockAt.push(now);
      for (const b64 of block.data?.txs ?? []) {
        const s = samples.get(hex(sha256(Buffer.from(b64, "base64"))));
        if (s !== undefined && s.commitAt === undefined) s.commitAt = now;
      }
    });
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { query: "tm.event='NewBlock'" } }));

    const sequence = senders.map(() => 0n);
    /** Accounts whose sequence is unknown (a send timed out or failed): never used again. */
    const retired = senders.map(() => false);
    const send = async (a: number, tx: Uint8Array): Promise<Sample> => {
      const node = nodeOf(a);
      const sentAt = performance.now();
      const hash = hex(sha256(tx));
      const s: Sample = { hash, node, sentAt, code: -1 };
      samples.set(hash, s);
      try {
        const r = await rpc<{
          code: number;
          receipt: { receipt: { sequencer_address: string } } | null;
          receipt_missing?: { reason: string };
        }>(nodes[node]!.rpcUrl, "broadcast_tx_sync", { tx: Buffer.from(tx).toString("base64") });
        s.code = r.code;
        if (r.code === 0) sequence[a]! += 1n;
        if (r.receipt !== null) {
          s.receiptAt = performance.now();
          s.signer = r.receipt.receipt.sequencer_address;
        } else s.missing = r.receipt_missing?.reason ?? "unsaid";
      } catch (e) {
        s.error = errorText(e);
        retired[a] = true;
      }
      return s;
    };
    const waitCommitted = async (xs: Sample[], ms: number) => {
      const deadline = performance.now() + ms;
      while (xs.some((s) => s.code === 0 && s.commitAt === undefined) && performance.now() < deadline) await sleep(100);
    };
    /** Server side, from the sequencer node's ladder: arrival → signed receipt, for txs a client sent it. */
    const serverSide = async (xs: Sample[], limit: number, ms: number): Promise<number[]> => {
      // The sequencer can hand over under load (a height decided in a later round ends its
      // epoch): a tx is direct when the node it was sent to signed its receipt, and is asked there.
      const direct = xs.filter((s) => s.code === 0 && s.signer === addresses[s.node]);
      const out: number[] = [];
      const deadline = performance.now() + ms;
      for (const s of direct.slice(0, limit)) {
        if (performance.now() > deadline) break;
        try {
          const st = await rpc<{ rungs: { sequenced: { state: string; elapsed_ms?: number } } }>(
            nodes[s.node]!.rpcUrl,
            "strike_tx_status",
            { hash: s.hash },
          );
          if (st.rungs.sequenced.elapsed_ms !== undefined) out.push(st.rungs.sequenced.elapsed_ms);
        } catch {
          // evicted, unknown or timed out: not sampled
        }
      }
      return out;
    };

    // Margin first (sequence 0 of every account), committed before the orders.
    const deposits = await Promise.all(
      senders.map((s, a) =>
        send(
          a,
          signMessages(
            s,
            [
              {
                typeUrl: "/strike.margin.v1.MsgDeposit",
                value: MsgDeposit.encode({ owner: s.address, subaccount: 0, amount: "10000000000" }).finish(),
              },
            ],
            0n,
            chainId,
          ),
        ),
      ),
    );
    await waitCommitted(deposits, 60_000);
    // An account whose deposit did not commit has no margin to place orders with.
    for (const [a, d] of deposits.entries()) if (d.code !== 0 || d.commitAt === undefined) retired[a] = true;
    result["deposits"] = {
      sent: deposits.length,
      committed: deposits.filter((d) => d.commitAt !== undefined).length,
      errors: deposits.filter((d) => d.error !== undefined).length,
    };
    let orderNo = 0;

    /**
     * Sends `perSecond` orders a second for `seconds`, round robin over the idle accounts (an
     * account's txs go one after another, in sequence order); returns how many were skipped
     * for want of an idle account.
     */
    const sendPaced = async (perSecond: number, seconds: number, samples: Sample[]): Promise<number> => {
      const start = performance.now();
      const busy = senders.map(() => false);
      const total = perSecond * seconds;
      const inFlight: Promise<void>[] = [];
      let skipped = 0;
      let next = 0;
      for (let k = 0; k < total; k++) {
        const due = start + (k * 1000) / perSecond;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        let a = -1;
        for (let j = 0; j < senders.length; j++) {
          const c = (next + j) % senders.length;
          if (!busy[c] && !retired[c]) {
            a = c;
            break;
          }
        }
        if (a < 0) {
          skipped++;
          continue;
        }
        next = (a + 1) % senders.length;
        busy[a] = true;
        const tx = orderTx(senders[a]!, sequence[a]!, chainId, orderNo++);
        inFlight.push(
          send(a, tx)
            .then((s) => void samples.push(s))
            .finally(() => (busy[a] = false)),
        );
      }
      await Promise.all(inFlight);
      return skipped;
    };

    // Nodes just started compile their hot code while they run (V8's optimising compiler took
    // seconds of CPU per node in its first loaded seconds), which a validator that has run for
    // a while has done: a warm-up load, reported but not a phase, comes before every figure.
    if (WARMUP_SECONDS > 0) {
      const warm: Sample[] = [];
      const t0 = performance.now();
      const skipped = await sendPaced(WARMUP_RATE, WARMUP_SECONDS, warm);
      await waitCommitted(warm, 30_000);
      result["warmup"] = {
        ordersPerSecond: WARMUP_RATE,
        seconds: WARMUP_SECONDS,
        sent: warm.length,
        skippedNoIdleAccount: skipped,
        sendErrors: warm.filter((s) => s.error !== undefined).length,
        committed: warm.filter((s) => s.code === 0 && s.commitAt !== undefined).length,
        tookSeconds: Math.round((performance.now() - t0) / 100) / 10,
      };
      console.log(JSON.stringify({ warmup: result["warmup"] }));
    }

    /**
     * This machine's floor in this run: one order at a time on the idle localnet (each waits
     * for its commit), from an account that sends to the sequencer's node.
     */
    const floor = async () => {
      const now = await sequencerIndex(nodes).catch(() => seqI);
      const idle = (i: number) => !retired[i];
      let a = senders.findIndex((_, i) => nodeOf(i) === now && idle(i));
      if (a < 0) a = senders.findIndex((_, i) => i % 2 === 0 && idle(i));
      const xs: Sample[] = [];
      const blocks0 = blockAt.length;
      const t0 = performance.now();
      for (let k = 0; k < FLOOR_ORDERS && a >= 0 && !retired[a] && performance.now() - t0 < FLOOR_MS; k++) {
        const s = await send(a, orderTx(senders[a]!, sequence[a]!, chainId, orderNo++));
        xs.push(s);
        await waitCommitted([s], 20_000);
      }
      const intervals = blockAt.slice(blocks0).map((t, i, all) => (i === 0 ? t - t0 : t - all[i - 1]!));
      const receipted = xs.filter((s) => s.code === 0 && s.receiptAt !== undefined);
      const committed = xs.filter((s) => s.code === 0 && s.commitAt !== undefined);
      const ceiling = machineCeiling();
      return {
        orders: xs.length,
        errors: xs.filter((s) => s.error !== undefined).length,
        receiptServerSideMs: stats(await serverSide(xs, FLOOR_ORDERS, 30_000)),
        receiptClientToSequencerMs: stats(receipted.map((s) => s.receiptAt! - s.sentAt)),
        commitClientMs: stats(committed.map((s) => s.commitAt! - s.sentAt)),
        blockIntervalMs: stats(intervals.slice(1)),
        /** The crypto a receipt cannot avoid (one secp256k1 verification, one ed25519 signature) on one core now. */
        cryptoMsPerReceiptOneCore:
          Math.round(
            (1000 / ceiling.secp256k1VerifyPerSecondOneCore + 1000 / ceiling.ed25519SignPerSecondOneCore) * 1000,
          ) / 1000,
        loadAverage: load(),
      };
    };
    const floorBefore = await floor();
    result["floor"] = { before: floorBefore };
    console.log(JSON.stringify({ floorBefore }));

    const vsFloor = (x: Stats, f: Stats) => ({ p50: ratio(x.p50, f.p50), p99: ratio(x.p99, f.p99) });
    const phases: Record<string, unknown>[] = [];
    result["phases"] = phases;
    // This process (the clients) and the four validators, for where the cores went in each phase.
    const pids = [process.pid, ...nodes.map((n) => n.child.pid ?? -1)];
    for (const perSecond of RATES) {
      const loadAtStart = load();
      const phaseSamples: Sample[] = [];
      let skipped = 0;
      const cpuAtStart = cpuSnapshot(pids);
      const start = performance.now();
      try {
        skipped = await sendPaced(perSecond, SECONDS, phaseSamples);
      } catch (e) {
        phases.push({ targetOrdersPerSecond: perSecond, failed: errorText(e), loadAverageAtStart: loadAtStart });
        continue;
      }
      const sentSeconds = (performance.now() - start) / 1000;
      const cpu = cpuBetween(cpuAtStart, cpuSnapshot(pids));
      await waitCommitted(phaseSamples, 30_000);
      const server = await serverSide(phaseSamples, 1500, 60_000);
      const ok = phaseSamples.filter((s) => s.code === 0);
      const receipted = ok.filter((s) => s.receiptAt !== undefined);
      const committed = ok.filter((s) => s.commitAt !== undefined);
      const serverSideMs = stats(server);
      // An answer without its receipt: is the receipt at that node afterwards (late, not lost)?
      const unanswered = ok.filter((s) => s.receiptAt === undefined);
      let fetchedLater = 0;
      for (const s of unanswered.slice(0, 500)) {
        try {
          await rpc(nodes[s.node]!.rpcUrl, "strike_receipt", { hash: s.hash });
          fetchedLater++;
        } catch {
          // not there: lost (or evicted)
        }
      }
      const missingReasons: Record<string, number> = {};
      for (const s of unanswered)
        missingReasons[s.missing ?? "unsaid"] = (missingReasons[s.missing ?? "unsaid"] ?? 0) + 1;
      const isDirect = (s: Sample) => s.signer === addresses[s.node];
      const toSequencerNode = stats(receipted.filter(isDirect).map((s) => s.receiptAt! - s.sentAt));
      const commitClientMs = stats(committed.map((s) => s.commitAt! - s.sentAt));
      phases.push({
        targetOrdersPerSecond: perSecond,
        sent: phaseSamples.length,
        achievedOrdersPerSecond: Math.round(phaseSamples.length / sentSeconds),
        skippedNoIdleAccount: skipped,
        sendErrors: phaseSamples.filter((s) => s.error !== undefined).length,
        firstSendError: phaseSamples.find((s) => s.error !== undefined)?.error ?? null,
        refusedAtCheckTx: phaseSamples.filter((s) => s.code > 0).length,
        withReceipt: receipted.length,
        /** Answers without a receipt, by the reason the node gave, and how many of (up to 500 of) them it had afterwards. */
        withoutReceipt: { byReason: missingReasons, checkedLater: Math.min(unanswered.length, 500), fetchedLater },
        /** Validators that signed this phase's receipts (more than one: the sequencer handed over). */
        receiptSigners: [...new Set(receipted.map((s) => s.signer))].length,
        committed: committed.length,
        receiptServerSideMs: serverSideMs,
        receiptClientMs: {
          toSequencerNode,
          throughAnotherNode: stats(receipted.filter((s) => !isDirect(s)).map((s) => s.receiptAt! - s.sentAt)),
        },
        commitClientMs,
        receiptToCommitGapMs: stats(
          committed.filter((s) => s.receiptAt !== undefined).map((s) => s.commitAt! - s.receiptAt!),
        ),
        /** Each figure over the same figure of the idle floor measured before the phases. */
        timesFloor: {
          receiptServerSide: vsFloor(serverSideMs, floorBefore.receiptServerSideMs),
          receiptClientToSequencerNode: vsFloor(toSequencerNode, floorBefore.receiptClientToSequencerMs),
          commitClient: vsFloor(commitClientMs, floorBefore.commitClientMs),
        },
        /**
         * While the orders were sent: per process, the share of the time its event loop ran and
         * the share it was ready but waited for a core, and the cores its threads used; and the
         * machine's busy, idle and stolen cores. What limits the phase's figures.
         */
        cpu: {
          sequencer: cpu.processes.get(pids[1 + seqI]!),
          otherValidators: nodes.flatMap((_, i) => (i === seqI ? [] : [cpu.processes.get(pids[1 + i]!)])),
          clients: cpu.processes.get(process.pid),
          machine: cpu.machine,
        },
        loadAverageAtStart: loadAtStart,
        loadAverage: load(),
      });
      console.log(JSON.stringify(phases.at(-1)));
    }
    const floorAfter = await floor().catch((e: unknown) => ({ failed: errorText(e) }));
    ws.close();
    result["floor"] = { before: floorBefore, after: floorAfter };
    result["machineCeiling"] = { before: ceilingBefore, after: machineCeiling() };
    result["retiredAccounts"] = retired.filter(Boolean).length;
  } finally {
    await net.stop();
    stopNet = undefined;
  }
}

let stopNet: (() => Promise<void>) | undefined;
// A run that overstays writes what it has and stops its nodes: a loaded machine must not leave it hanging.
const watchdog = setTimeout(() => {
  finish(`deadline: stopped after ${DEADLINE_MS / 1000} s`);
  void (stopNet?.() ?? Promise.resolve()).finally(() => process.exit(2));
}, DEADLINE_MS);
try {
  await main();
  finish("complete");
} catch (e) {
  result["error"] = errorText(e);
  finish("failed");
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
}
