/**
 * The impact read on the stored book (what funding samples every block): the same answer and
 * gas through the in-memory book and through the store, and work that stops at
 * IMPACT_MAX_ORDERS however many dust orders rest ahead of the depth.
 */
import test from "ava";
import { Order, Side, TriggerType } from "../../../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { Branch } from "../../../../chain/store/branch.js";
import { createMemoryDatabase } from "../../../../chain/store/memoryDb.js";
import { openStateStore } from "../../../../chain/store/stateStore.js";
import { bookCacheReads, setBookCacheMode } from "../../../../modules/orderbook/bookReads.js";
import { defaultMarkets } from "../../../../modules/orderbook/markets.js";
import { IMPACT_MAX_ORDERS } from "../../../../modules/orderbook/matching/index.js";
import { saveNewOrder } from "../../../../modules/orderbook/state.js";
import { impactPrices } from "../../../../modules/orderbook/storeBook.js";
import { blockContextOn, readBothWays } from "../../../helpers/valueCacheBothWays.js";

const OWNER = "strike1qurswpc8qurswpc8qurswpc8qurswpc8c7uyqn";
const USDC = 1_000_000n;
const ETH_PERP = defaultMarkets(0n).find((m) => m.id === "ETH-PERP")!;
const NOTIONAL = 10_000n * USDC;

function order(id: bigint, side: Side, priceUsdc: bigint, units: bigint): Order {
  return Order.fromPartial({
    id,
    market: "ETH-PERP",
    owner: OWNER,
    subaccount: 0,
    side,
    price: priceUsdc * USDC,
    size: units,
    remaining: units,
    triggerType: TriggerType.TRIGGER_TYPE_UNSPECIFIED,
  });
}

/** 10 ETH each side around 3000, and `dust` bids of 0.001 ETH at 3300 ahead of the real ones. */
async function book(dust: number): Promise<Branch> {
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const working = state.working as Branch;
  const ctx = blockContextOn(working);
  saveNewOrder(ctx, order(1n, Side.SIDE_BUY, 2999n, 10_000n), true);
  saveNewOrder(ctx, order(2n, Side.SIDE_SELL, 3001n, 10_000n), true);
  for (let i = 0; i < dust; i++) saveNewOrder(ctx, order(BigInt(10 + i), Side.SIDE_BUY, 3300n, 1n), true);
  state.commit(db.batch(), 1);
  return working;
}

function read(store: Branch): string {
  const ctx = blockContextOn(store, 2n);
  const { bid, ask } = impactPrices(ctx, ETH_PERP, NOTIONAL);
  const avg = (p: typeof bid) => (p === undefined ? "none" : String(p.num / p.den));
  return `bid ${avg(bid)} ask ${avg(ask)} gas ${ctx.gasMeter.consumed}`;
}

test("with depth on both sides the impact prices are the depth's, through the cache as through the store", async (t) => {
  const store = await book(0);
  const { cached, plain } = readBothWays(() => read(store), { reads: bookCacheReads, setMode: setBookCacheMode });
  t.is(cached, plain);
  t.regex(cached, /^bid 2999000000 ask 3001000000 gas \d+$/);
});

test("a few dust bids far above the oracle move the impact bid by their notional only", async (t) => {
  const store = await book(3);
  const { cached, plain } = readBothWays(() => read(store), { reads: bookCacheReads, setMode: setBookCacheMode });
  t.is(cached, plain);
  // 9.9 USDC at 3300, 9,990.1 at 2999: 10,000 / (0.003 + 9990.1 / 2999) = 2999.27… USDC.
  t.regex(cached, /^bid 2999270\d{3} ask 3001000000/);
});

test("thousands of dust bids ahead of the depth: the bid side counts as thin, the read stops at IMPACT_MAX_ORDERS", async (t) => {
  const some = await book(IMPACT_MAX_ORDERS + 10);
  const many = await book(5_000);
  const { cached, plain } = readBothWays(() => read(many), { reads: bookCacheReads, setMode: setBookCacheMode });
  t.is(cached, plain);
  t.regex(cached, /^bid none ask 3001000000/);
  // Gas is charged per order visited: the same for 510 dust orders as for 5,000.
  t.is(read(some), cached);
  const rounds = 200;
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) read(many);
  const perRead = Number(process.hrtime.bigint() - started) / rounds / 1_000;
  t.log(`impact read of one market (both sides) with 5,000 dust bids, cached: ${perRead.toFixed(0)} µs`);
});
