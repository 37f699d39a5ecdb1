/**
 * The orderbook keeper's intents are the only way another module (options) changes the book:
 * closing a market cancels exactly its orders, settling a series marks exactly it settled,
 * and an intent that does not fit the market is refused without changing anything.
 */
import test from "ava";
import { MarketStatus, OptionKind } from "../../../../chain/codec/generated/strike/orderbook/v1/market.js";
import {
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
  TriggerType,
  type Order,
} from "../../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { createContext } from "../../../../chain/runtime/context.js";
import { createGasMeter } from "../../../../chain/runtime/gas.js";
import type { Context } from "../../../../chain/runtime/types.js";
import { createMemoryKV } from "../../../../chain/store/memoryKv.js";
import { addressToBech32 } from "../../../../chain/crypto/address.js";
import {
  createOrderbookKeeper,
  defaultExpiries,
  defaultOrderbookGenesis,
  optionMarketId,
  orderbookErrors,
  type OrderbookDeps,
} from "../../../../modules/orderbook/index.js";
import { initOrderbookGenesis } from "../../../../modules/orderbook/genesis.js";
import { getMarket, marketOrders, saveNewOrder } from "../../../../modules/orderbook/state.js";

const GENESIS = 1_700_000_000n;
const OWNER = addressToBech32(new Uint8Array(20).fill(7));
const CALL = optionMarketId("ETH", defaultExpiries(GENESIS)[0]!, 3000n, OptionKind.OPTION_KIND_CALL);

// Closing and settling need nothing from margin or the oracle: a call to either fails the test.
const unused = (): never => {
  throw new Error("the intent reached another module");
};
const deps = { margin: new Proxy({}, { get: () => unused }), oracle: { price: unused } } as unknown as OrderbookDeps;

function chain(): Context {
  const ctx = createContext({
    block: { chainId: "strike-test", height: 5n, time: { seconds: GENESIS + 5n, nanos: 0 } },
    mode: "finalize",
    store: createMemoryKV(),
    gasMeter: createGasMeter(undefined),
  });
  initOrderbookGenesis(ctx, defaultOrderbookGenesis(GENESIS));
  return ctx;
}

function order(market: string, id: bigint, resting: boolean): Order {
  return {
    id,
    market,
    owner: OWNER,
    subaccount: 0,
    clientId: 0n,
    side: Side.SIDE_BUY,
    price: 1_000_000n,
    size: 10n,
    remaining: 10n,
    timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
    orderType: OrderType.ORDER_TYPE_LIMIT,
    reduceOnly: false,
    goodTilBlock: 0n,
    goodTilTime: 0n,
    triggerType: resting ? TriggerType.TRIGGER_TYPE_UNSPECIFIED : TriggerType.TRIGGER_TYPE_STOP,
    triggerPrice: resting ? 0n : 2_000_000n,
    selfTrade: SelfTradePrevention.SELF_TRADE_PREVENTION_EXPIRE_MAKER,
    createdHeight: 1n,
    selfTradeAllSubaccounts: false,
  };
}

test("closing a market cancels every order in it, resting and waiting, and no order elsewhere", (t) => {
  const ctx = chain();
  saveNewOrder(ctx, order(CALL, 1n, true), true);
  saveNewOrder(ctx, order(CALL, 2n, false), false);
  saveNewOrder(ctx, order("ETH-PERP", 3n, true), true);
  const keeper = createOrderbookKeeper(deps);

  keeper.closeMarket(ctx, CALL, "market_settled");

  t.deepEqual([...marketOrders(ctx, CALL)], []);
  t.deepEqual(
    [...marketOrders(ctx, "ETH-PERP")].map((o) => o.id),
    [3n],
  );
  t.true(keeper.hasOpenOrders(ctx, { owner: OWNER, number: 0 }), "the other market's order is still open");
  const cancelled = ctx.events.events.filter((e) => e.type === "order_cancelled");
  t.deepEqual(
    cancelled.map((e) => e.attributes.find((a) => a.key === "reason")?.value),
    ["market_settled", "market_settled"],
  );
});

test("settling a series marks it settled at the price and changes nothing else in it", (t) => {
  const ctx = chain();
  const before = getMarket(ctx, CALL)!;
  createOrderbookKeeper(deps).settleSeries(ctx, CALL, 123_456_789n);
  const after = getMarket(ctx, CALL)!;
  t.is(after.status, MarketStatus.MARKET_STATUS_SETTLED);
  t.is(after.option?.settlementPrice, 123_456_789n);
  t.deepEqual(
    { ...after, status: before.status, option: { ...after.option!, settlementPrice: before.option!.settlementPrice } },
    before,
  );
});

test("settling a perpetual, an unknown market or an already settled series is refused and changes nothing", (t) => {
  const ctx = chain();
  const keeper = createOrderbookKeeper(deps);
  const perp = getMarket(ctx, "ETH-PERP");
  t.true(orderbookErrors.invalidMarket.is(t.throws(() => keeper.settleSeries(ctx, "ETH-PERP", 1n))));
  t.deepEqual(getMarket(ctx, "ETH-PERP"), perp);
  t.true(orderbookErrors.unknownMarket.is(t.throws(() => keeper.settleSeries(ctx, "NOPE-PERP", 1n))));
  keeper.settleSeries(ctx, CALL, 5n);
  t.true(orderbookErrors.marketNotActive.is(t.throws(() => keeper.settleSeries(ctx, CALL, 7n))));
  t.is(getMarket(ctx, CALL)?.option?.settlementPrice, 5n, "the first settlement price stands");
});
