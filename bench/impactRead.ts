/**
 * What funding's impact read (modules/orderbook/storeBook.ts impactPrices) costs one
 * perpetual per block: both sides of ETH-PERP read for the 10,000 USDC default notional, on a
 * book of 1 ETH orders around 3000 with 0 to 50,000 dust bids (0.001 ETH) resting ahead of
 * them, through the in-memory book (what a node reads) and through the store's iterators.
 * Past IMPACT_MAX_ORDERS the bid side counts as thin and the read stops, so the cost must stop
 * growing there. Writes bench/results/impact-read.json.
 *
 *   npx tsx bench/impactRead.ts        (BENCH_MS=1000 per figure)
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { Order, Side, TriggerType } from "../chain/codec/generated/strike/orderbook/v1/order.js";
import { createContext } from "../chain/runtime/context.js";
import { createGasMeter } from "../chain/runtime/gas.js";
import type { Branch } from "../chain/store/branch.js";
import { createMemoryDatabase } from "../chain/store/memoryDb.js";
import { openStateStore } from "../chain/store/stateStore.js";
import type { KVStore } from "../chain/store/types.js";
import { setBookCacheMode } from "../modules/orderbook/bookReads.js";
import { defaultMarkets } from "../modules/orderbook/markets.js";
import { IMPACT_MAX_ORDERS } from "../modules/orderbook/matching/index.js";
import { saveNewOrder } from "../modules/orderbook/state.js";
import { impactPrices } from "../modules/orderbook/storeBook.js";
import { writeResult } from "./lib/machine.js";

const DURATION_MS = Number(process.env["BENCH_MS"] ?? 1000);
const OWNER = "strike1qurswpc8qurswpc8qurswpc8qurswpc8c7uyqn";
const USDC = 1_000_000n;
const ETH_PERP = defaultMarkets(0n).find((m) => m.id === "ETH-PERP")!;
const NOTIONAL = 10_000n * USDC;
const DUST = [0, 10, 100, IMPACT_MAX_ORDERS - 1, 1_000, 10_000, 50_000];

function contextOn(store: KVStore) {
  return createContext({
    block: { chainId: "bench", height: 2n, time: { seconds: 2n, nanos: 0 } },
    mode: "finalize",
    store,
    gasMeter: createGasMeter(undefined),
  });
}

function order(id: bigint, side: Side, price: bigint, units: bigint): Order {
  return Order.fromPartial({
    id,
    market: ETH_PERP.id,
    owner: OWNER,
    subaccount: 0,
    side,
    price,
    size: units,
    remaining: units,
    triggerType: TriggerType.TRIGGER_TYPE_UNSPECIFIED,
  });
}

/** 20 orders of 1 ETH a side, a tick apart around 3000, and `dust` bids of 0.001 ETH at 3300 ahead of them. */
async function book(dust: number): Promise<Branch> {
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const working = state.working as Branch;
  const ctx = contextOn(working);
  let id = 1n;
  for (let i = 0n; i < 20n; i++) {
    saveNewOrder(ctx, order(id++, Side.SIDE_BUY, 2_999n * USDC - i * ETH_PERP.tickSize, 1_000n), true);
    saveNewOrder(ctx, order(id++, Side.SIDE_SELL, 3_001n * USDC + i * ETH_PERP.tickSize, 1_000n), true);
  }
  for (let i = 0; i < dust; i++) saveNewOrder(ctx, order(id++, Side.SIDE_BUY, 3_300n * USDC, 1n), true);
  state.commit(db.batch(), 1);
  return working;
}

/** Microseconds per read of both sides, and the gas one read charges (its store reads). */
function measure(store: Branch): { microsecondsPerRead: number; gasPerRead: string; bid: string } {
  const once = () => {
    const ctx = contextOn(store);
    const { bid } = impactPrices(ctx, ETH_PERP, NOTIONAL);
    return { gas: ctx.gasMeter.consumed, bid: bid === undefined ? "none (thin)" : String(bid.num / bid.den) };
  };
  const first = once();
  for (let i = 0; i < 50; i++) once();
  let reads = 0;
  const start = performance.now();
  while (performance.now() - start < DURATION_MS) {
    for (let i = 0; i < 20; i++) once();
    reads += 20;
  }
  const micros = ((performance.now() - start) * 1000) / reads;
  return { microsecondsPerRead: Math.round(micros * 10) / 10, gasPerRead: String(first.gas), bid: first.bid };
}

async function main(): Promise<void> {
  const loadAverageAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const rows = [];
  for (const dust of DUST) {
    const store = await book(dust);
    const cached = measure(store);
    setBookCacheMode("off");
    const plain = measure(store);
    setBookCacheMode("on");
    const row = {
      dustBidsAhead: dust,
      ordersVisited: Math.min(dust + 4, IMPACT_MAX_ORDERS) + 4,
      impactBidUusdc: cached.bid,
      cachedMicroseconds: cached.microsecondsPerRead,
      storeMicroseconds: plain.microsecondsPerRead,
      gas: cached.gasPerRead,
    };
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  const figures = {
    notionalUusdc: String(NOTIONAL),
    impactMaxOrders: IMPACT_MAX_ORDERS,
    readsOf: "both sides of ETH-PERP, one block's funding sample for one perpetual",
    rows,
    loadAverageAtStart,
    loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
  };
  console.log(`wrote ${writeResult("impact-read", figures)}`);
}

void main();
