/**
 * Orders through the full state machine in process: CheckTx (decode, signature, ante) and
 * DeliverTx (finalizeBlock: ante, margin checks, matching, state writes, end-block
 * liquidation scan and funding, then commit) on the memory store, without RPC or consensus.
 * A seeded stream: makers rest limit orders around the mid, takers cross them. Run with
 * ORDERS_PER_TX=1 (one signed tx per order, what a wallet sends) and with several orders
 * per tx (what a market maker batching quotes sends), to separate the per-tx cost
 * (signature, ante) from the per-order cost. Besides wall time it records CPU time per
 * phase (steadier when other processes load the machine) and, in the same run, the two
 * limits that bound it: secp256k1 verifications/s and the pure matching engine's ops/s.
 * Writes bench/results/order-path.json.
 *
 * Each figure is measured twice in the same run: with the book read through the store's
 * iterators ("off", as before the cache) and from the in-memory book (modules/orderbook/
 * bookCache.ts, "on", what nodes run); BENCH_BOOK_CACHE=on or off measures one only.
 *
 * Each run also records a fingerprint: sha256 over every tx result (code, data, gas, events)
 * and every block's app hash. It pins behaviour: a faster version must give the same one,
 * and the cache on and off must agree.
 *
 *   npx tsx bench/orderPath.ts        (BENCH_ORDERS, BENCH_ACCOUNTS, BENCH_BLOCK, BENCH_BOOK_CACHE, BENCH_ORDERS_PER_TX)
 */
import { createHash } from "node:crypto";
import { loadavg } from "node:os";
import { MsgDeposit } from "../chain/codec/generated/strike/margin/v1/tx.js";
import {
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
  TriggerType,
} from "../chain/codec/generated/strike/orderbook/v1/order.js";
import { MsgPlaceOrder } from "../chain/codec/generated/strike/orderbook/v1/tx.js";
import { createMemoryDatabase } from "../chain/store/memoryDb.js";
import { openStateStore } from "../chain/store/stateStore.js";
import { createStrikeApp } from "../app/strikeApp.js";
import { parseDecCoins } from "../chain/runtime/coins.js";
import type { TxResult } from "../chain/types/abci.js";
import { defaultBankGenesis } from "../modules/bank/genesis.js";
import { defaultAuthGenesis, baseAccountJson } from "../modules/auth/genesis.js";
import { defaultOracleGenesis } from "../modules/oracle/index.js";
import { defaultOrderbookGenesis } from "../modules/orderbook/index.js";
import { secp256k1PublicKey, signSecp256k1, verifySecp256k1Digest } from "../chain/crypto/secp256k1.js";
import { MemoryBook } from "../modules/orderbook/matching/index.js";
import { setBookCacheMode, type BookCacheMode } from "../modules/orderbook/bookReads.js";
import { writeResult } from "./lib/machine.js";
import { senderFromKey, sha256, signMessages, type Sender } from "./lib/sendTx.js";
import { runAsNode } from "./lib/nodeFlags.js";

runAsNode(import.meta.url);

const ORDERS = Number(process.env.BENCH_ORDERS ?? 6000);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100);
const BLOCK = Number(process.env.BENCH_BLOCK ?? 500);
const MODES: BookCacheMode[] =
  process.env.BENCH_BOOK_CACHE === "off" ? ["off"] : process.env.BENCH_BOOK_CACHE === "on" ? ["on"] : ["off", "on"];
const PER_TX = process.env.BENCH_ORDERS_PER_TX ? [Number(process.env.BENCH_ORDERS_PER_TX)] : [1, 10];
const CHAIN_ID = "strike-bench-1";
const GENESIS_SECONDS = 1_700_000_000n;

function sender(i: number): Sender {
  return senderFromKey(sha256(new TextEncoder().encode(`strike bench key ${i}`)), BigInt(i));
}

/** xorshift32: a repeatable stream. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function orderMsg(owner: string, side: Side, price: string, size: string, tif: TimeInForce) {
  return {
    typeUrl: "/strike.orderbook.v1.MsgPlaceOrder",
    value: MsgPlaceOrder.encode({
      owner,
      subaccount: 0,
      order: {
        market: "ETH-PERP",
        side,
        price,
        size,
        timeInForce: tif,
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
    }).finish(),
  };
}

/** Deposits (one tx per account), then the order txs: 70% resting quotes, 30% crossing orders. */
function buildTxs(senders: Sender[], perTx: number): { setup: Uint8Array[]; orders: Uint8Array[] } {
  const setup = senders.map((s) =>
    signMessages(
      s,
      [
        {
          typeUrl: "/strike.margin.v1.MsgDeposit",
          value: MsgDeposit.encode({ owner: s.address, subaccount: 0, amount: "1000000000000" }).finish(),
        },
      ],
      0n,
      CHAIN_ID,
    ),
  );
  const rand = prng(42);
  const seq = senders.map(() => 1n);
  const orders: Uint8Array[] = [];
  for (let i = 0; i < ORDERS / perTx; i++) {
    const k = i % senders.length;
    const s = senders[k]!;
    const msgs = [];
    for (let j = 0; j < perTx; j++) {
      const buy = rand() < 0.5;
      const crossing = rand() < 0.3;
      const offset = 1 + Math.floor(rand() * 20);
      const ticks = 30_000 + (crossing ? (buy ? offset : -offset) : buy ? -offset : offset);
      const price = `${Math.floor(ticks / 10)}.${ticks % 10}`;
      const size = `0.${String(1 + Math.floor(rand() * 9)).padStart(3, "0")}`;
      msgs.push(
        orderMsg(
          s.address,
          buy ? Side.SIDE_BUY : Side.SIDE_SELL,
          price,
          size,
          crossing ? TimeInForce.TIME_IN_FORCE_IOC : TimeInForce.TIME_IN_FORCE_GTC,
        ),
      );
    }
    // A crossing order that sweeps many makers needs far more than a resting one.
    orders.push(signMessages(s, msgs, seq[k]!, CHAIN_ID, 2_000_000n * BigInt(perTx)));
    seq[k]! += 1n;
  }
  return { setup, orders };
}

async function newApp(senders: Sender[]) {
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const app = createStrikeApp({ state, minGasPrices: parseDecCoins("0.025ustrike") });
  const auth = defaultAuthGenesis();
  auth.accounts = senders.map((s) => baseAccountJson(s.address, s.accountNumber));
  const bank = defaultBankGenesis();
  bank.balances = senders.map((s) => ({
    address: s.address,
    coins: [
      { denom: "ustrike", amount: "1000000000000000" },
      { denom: "uusdc", amount: "1000000000000" },
    ],
  }));
  const oracle = defaultOracleGenesis();
  (oracle["params"] as Record<string, string>)["stale_after_seconds"] = "1000000000";
  app.initChain({
    chainId: CHAIN_ID,
    time: { seconds: GENESIS_SECONDS, nanos: 0 },
    initialHeight: 1n,
    consensusParams: {
      block: { maxBytes: 64_000_000n, maxGas: -1n },
      evidence: { maxAgeNumBlocks: 100000n, maxAgeDurationNs: 172800000000000n, maxBytes: 1048576n },
      validator: { pubKeyTypes: ["ed25519"] },
    },
    validators: [],
    appState: { auth, bank, oracle, orderbook: defaultOrderbookGenesis(GENESIS_SECONDS) },
  });
  return { app, db };
}

async function run(senders: Sender[], perTx: number, mode: BookCacheMode) {
  setBookCacheMode(mode);
  const { setup, orders } = buildTxs(senders, perTx);
  const { app, db } = await newApp(senders);
  const fingerprint = createHash("sha256");
  let height = 0n;
  const block = async (txs: Uint8Array[]) => {
    height += 1n;
    const res = app.finalizeBlock({
      txs,
      height,
      time: { seconds: GENESIS_SECONDS + height, nanos: 0 },
      hash: new Uint8Array(32),
      proposerAddress: new Uint8Array(20),
      misbehavior: [],
    });
    const batch = db.batch();
    app.commit(batch);
    await batch.write();
    return res;
  };
  // Outside the timed part: the bench's own hashing is not the chain's cost.
  const print = (res: Awaited<ReturnType<typeof block>>) => {
    fingerprint.update(res.appHash);
    for (const r of res.txResults) fingerprint.update(resultText(r));
  };
  print(await block(setup));
  let checkMs = 0;
  let deliverMs = 0;
  let checkCpuUs = 0;
  let deliverCpuUs = 0;
  let failed = 0;
  let fills = 0;
  for (let i = 0; i < orders.length; i += BLOCK) {
    const txs = orders.slice(i, i + BLOCK);
    const c0 = performance.now();
    const cc = process.cpuUsage();
    for (const tx of txs) if (app.checkTx(tx, "new").code !== 0) failed++;
    checkMs += performance.now() - c0;
    checkCpuUs += cpuSince(cc);
    const d0 = performance.now();
    const dc = process.cpuUsage();
    const res = await block(txs);
    deliverMs += performance.now() - d0;
    deliverCpuUs += cpuSince(dc);
    print(res);
    for (const r of res.txResults) {
      if (r.code !== 0) {
        failed++;
        if (failed <= 2) console.error(`failed tx: ${r.codespace}/${r.code} ${r.log}`);
      }
      fills += r.events.filter((e) => e.type === "trade").length;
    }
  }
  const n = orders.length * perTx;
  return {
    bookCache: mode,
    ordersPerTx: perTx,
    fingerprint: fingerprint.digest("hex"),
    orders: n,
    failedTxs: failed,
    fills,
    checkTxMicrosPerTx: Math.round((checkMs * 1000) / orders.length),
    deliverMicrosPerOrder: Math.round((deliverMs * 1000) / n),
    deliverOrdersPerSecond: Math.round(n / (deliverMs / 1000)),
    endToEndOrdersPerSecond: Math.round(n / ((checkMs + deliverMs) / 1000)),
    cpu: {
      checkTxMicrosPerTx: Math.round(checkCpuUs / orders.length),
      deliverMicrosPerOrder: Math.round(deliverCpuUs / n),
      deliverOrdersPerCpuSecond: Math.round(n / (deliverCpuUs / 1e6)),
    },
  };
}

/** Everything consensus and clients see of a tx result, as text. */
function resultText(r: TxResult): string {
  const events = r.events
    .map((e) => `${e.type}{${e.attributes.map((a) => `${a.key}=${a.value}${a.index ? "" : "!"}`).join(",")}}`)
    .join(";");
  return `${r.code}|${r.codespace}|${r.log}|${Buffer.from(r.data).toString("hex")}|${r.gasWanted}|${r.gasUsed}|${events}`;
}

/** User + system CPU microseconds since `from` (this process, all threads). */
function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

/** secp256k1 verifications per CPU second on one core: the bound on signed txs. */
function sigVerifyLimit(): number {
  const key = sha256(new TextEncoder().encode("limit key"));
  const pub = secp256k1PublicKey(key);
  const digest = sha256(new TextEncoder().encode("limit message"));
  const sig = signSecp256k1(key, new TextEncoder().encode("limit message"));
  const c = process.cpuUsage();
  let n = 0;
  while (cpuSince(c) < 500_000) {
    for (let i = 0; i < 50; i++) if (verifySecp256k1Digest(pub, digest, sig)) n++;
  }
  return Math.round(n / (cpuSince(c) / 1e6));
}

/** The pure matching engine (MemoryBook) on the same kind of stream: the bound on orders. */
function matchingLimit(): number {
  const book = new MemoryBook();
  const rand = prng(7);
  const c = process.cpuUsage();
  let ops = 0;
  let id = 1n;
  while (cpuSince(c) < 500_000) {
    for (let i = 0; i < 1000; i++) {
      const buy = rand() < 0.5;
      const crossing = rand() < 0.3;
      const offset = BigInt(1 + Math.floor(rand() * 20));
      const price = 30_000n + (crossing ? (buy ? offset : -offset) : buy ? -offset : offset);
      const taker = {
        id: id++,
        owner: `o${Math.floor(rand() * ACCOUNTS)}/0`,
        side: buy ? ("buy" as const) : ("sell" as const),
        price,
        size: BigInt(1 + Math.floor(rand() * 9)),
        tif: crossing ? ("ioc" as const) : ("gtc" as const),
        stp: "expire_maker" as const,
        stpScope: "account" as const,
      };
      book.execute(taker);
      ops++;
    }
  }
  return Math.round(ops / (cpuSince(c) / 1e6));
}

const loadAtStart = loadavg();
const senders = Array.from({ length: ACCOUNTS }, (_, i) => sender(i));
const results = [];
for (const mode of MODES) {
  for (const perTx of PER_TX) {
    await run(senders, perTx, mode); // warm-up
    results.push(await run(senders, perTx, mode));
  }
}
for (const r of results) console.log(JSON.stringify(r));
for (const perTx of PER_TX) {
  const prints = new Set(results.filter((r) => r.ordersPerTx === perTx).map((r) => r.fingerprint));
  if (prints.size !== 1) throw new Error(`the book cache on and off disagree at ${perTx} orders per tx`);
}
const limits = { secp256k1VerifiesPerCpuSecond: sigVerifyLimit(), matchingEngineOpsPerCpuSecond: matchingLimit() };
console.log(JSON.stringify(limits));
const path = writeResult("order-path", {
  limits,
  /** Orders delivered per CPU second against the matching engine's ops per CPU second, both measured here. */
  machineLimitRatio: results.map((r) => ({
    bookCache: r.bookCache,
    ordersPerTx: r.ordersPerTx,
    ratio: Number((r.cpu.deliverOrdersPerCpuSecond / limits.matchingEngineOpsPerCpuSecond).toFixed(4)),
  })),
  target: { ordersPerSecond: 25_000, deliverMicrosPerOrder: 40 },
  blockTxs: BLOCK,
  accounts: ACCOUNTS,
  /** 1, 5 and 15 minute load averages when the run started and when it ended (other processes share the cores). */
  loadAverage: { start: loadAtStart, end: loadavg() },
  results,
});
console.log(`wrote ${path}`);
