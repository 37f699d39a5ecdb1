/**
 * The market lists the end block reads every block. `allMarkets` is answered from memory: it
 * gives what the store's scan gives (markets, order, gas) in the block's state and in a tx's
 * branch that has just added or changed a market, a dropped branch leaves no trace, and a
 * caller that edits what it was handed cannot edit the next answer. `marketsWithTriggers`
 * names exactly the markets with parked triggers, reading one entry per such market.
 */
import test from "ava";
import { Market, MarketStatus, MarketType } from "../../../../chain/codec/generated/strike/orderbook/v1/market.js";
import { Order, Side, TriggerType } from "../../../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { Context } from "../../../../chain/runtime/types.js";
import { branchStore } from "../../../../chain/store/branch.js";
import { createMemoryDatabase } from "../../../../chain/store/memoryDb.js";
import { openStateStore } from "../../../../chain/store/stateStore.js";
import type { KVStore } from "../../../../chain/store/types.js";
import {
  allMarkets,
  deleteOrder,
  marketsWithTriggers,
  saveNewOrder,
  setMarket,
} from "../../../../modules/orderbook/state.js";
import { blockContextOn, readBothWays } from "../../../helpers/valueCacheBothWays.js";

const ctxOn = (store: KVStore): Context => blockContextOn(store);

function market(id: string, tickSize: bigint, withOption = false): Market {
  return Market.fromPartial({
    id,
    type: withOption ? MarketType.MARKET_TYPE_OPTION : MarketType.MARKET_TYPE_PERPETUAL,
    underlying: id.split("-")[0]!,
    tickSize,
    lotSize: 1000n,
    status: MarketStatus.MARKET_STATUS_ACTIVE,
    option: withOption ? { kind: 1, strikePrice: 3000n, expiryTime: 1_800_000_000n } : undefined,
  });
}

/** The market list a context sees, with the gas the read paid: through the cache and through the store. */
function listBothWays(store: KVStore): { cached: string; plain: string } {
  return readBothWays(() => {
    const ctx = ctxOn(store);
    const list = [...allMarkets(ctx)].map((m) => `${m.id}:${m.tickSize}:${m.option?.strikePrice ?? "-"}`);
    return `${list.join(",")} gas ${ctx.gasMeter.consumed}`;
  });
}

test("the cached market list equals the store's scan, gas included, in the block's state and in a tx's branch", async (t) => {
  const state = await openStateStore({ db: createMemoryDatabase(), keepRecent: 0 });
  const block = ctxOn(state.working);
  setMarket(block, market("ETH-PERP", 100n));
  setMarket(block, market("BTC-PERP", 1000n));
  setMarket(block, market("ETH-3000-C", 5n, true));

  const first = listBothWays(state.working);
  t.is(first.cached, first.plain);
  t.regex(first.cached, /^BTC-PERP:1000:-,ETH-3000-C:5:3000,ETH-PERP:100:- gas \d+$/);

  // A tx adds a market and changes one: its own reads see both, the block's do not yet.
  const tx = branchStore(state.working);
  setMarket(ctxOn(tx), market("AAA-PERP", 7n));
  setMarket(ctxOn(tx), market("ETH-PERP", 200n));
  const inTx = listBothWays(tx);
  t.is(inTx.cached, inTx.plain);
  t.regex(inTx.cached, /^AAA-PERP:7:-,BTC-PERP:1000:-,ETH-3000-C:5:3000,ETH-PERP:200:- gas \d+$/);
  t.is(listBothWays(state.working).cached, first.cached);

  // Written: the block's state sees them; a branch dropped afterwards changes nothing.
  tx.write();
  const dropped = branchStore(state.working);
  setMarket(ctxOn(dropped), market("ZZZ-PERP", 1n));
  const after = listBothWays(state.working);
  t.is(after.cached, after.plain);
  t.regex(after.cached, /^AAA-PERP:7:-,BTC-PERP:1000:-,ETH-3000-C:5:3000,ETH-PERP:200:- gas \d+$/);
});

test("a caller editing the markets it was handed does not edit the next answer", async (t) => {
  const state = await openStateStore({ db: createMemoryDatabase(), keepRecent: 0 });
  setMarket(ctxOn(state.working), market("ETH-3000-C", 5n, true));
  const handed = [...allMarkets(ctxOn(state.working))][0]!;
  handed.tickSize = 1n;
  handed.option!.strikePrice = 1n;
  const again = [...allMarkets(ctxOn(state.working))][0]!;
  t.is(again.tickSize, 5n);
  t.is(again.option!.strikePrice, 3000n);
});

const OWNER = "strike1qurswpc8qurswpc8qurswpc8qurswpc8c7uyqn";

function parked(id: bigint, market: string, side: Side, triggerPrice: bigint): Order {
  return Order.fromPartial({
    id,
    market,
    owner: OWNER,
    side,
    price: 3000n,
    size: 5n,
    remaining: 5n,
    triggerType: TriggerType.TRIGGER_TYPE_STOP,
    triggerPrice,
  });
}

test("marketsWithTriggers names the markets with parked triggers, one read each, whatever their names and counts", async (t) => {
  const state = await openStateStore({ db: createMemoryDatabase(), keepRecent: 0 });
  const ctx = ctxOn(state.working);
  t.deepEqual([...marketsWithTriggers(ctx)], []);
  // Ids that are prefixes of one another, a long one, one past ASCII; rising and falling triggers;
  // resting orders (not parked) in a market without triggers.
  const markets = ["ETH", "ETH-PERP", "ETHX", "É-PERP", "B".repeat(60)];
  let id = 1n;
  const all: Order[] = [];
  for (const [i, m] of markets.entries())
    for (let j = 0; j < 5 * (i + 1); j++) {
      const o = parked(id++, m, j % 2 === 0 ? Side.SIDE_BUY : Side.SIDE_SELL, 1000n + BigInt(j) * 997n);
      saveNewOrder(ctx, o, false);
      all.push(o);
    }
  saveNewOrder(ctx, Order.fromPartial({ ...parked(id++, "BTC-PERP", Side.SIDE_BUY, 0n), triggerType: 0 }), true);

  t.deepEqual([...marketsWithTriggers(ctx)].sort(), [...markets].sort());
  // Each seek reads one entry: one per market with triggers, none for the last (empty) one.
  const visits = countVisits(state.working, () => marketsWithTriggers(ctxOn(state.working)));
  t.is(visits, markets.length);

  // A market whose triggers are all gone drops out; the others stay.
  for (const o of all.filter((o) => o.market === "ETHX")) deleteOrder(ctx, o);
  t.deepEqual([...marketsWithTriggers(ctx)].sort(), markets.filter((m) => m !== "ETHX").sort());
});

/** Entries the store's iterators yield while `fn` runs. */
function countVisits(store: KVStore, fn: () => unknown): number {
  const iterator = store.iterator.bind(store);
  let n = 0;
  store.iterator = function* (start, end, reverse) {
    for (const entry of iterator(start, end, reverse)) {
      n++;
      yield entry;
    }
  };
  try {
    fn();
  } finally {
    delete (store as Partial<KVStore>).iterator;
  }
  return n;
}
