/** Order types, time in force, priority, self-trade prevention, cancels, expiry, triggers and fees. */
import test, { type ExecutionContext } from "ava";
import {
  OrderType,
  SelfTradePrevention,
  TimeInForce,
  TriggerType,
} from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { OrderSpec } from "../../../chain/codec/generated/strike/orderbook/v1/tx.js";
import { orderbookErrors } from "../../../modules/orderbook/index.js";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { assertOk, assertRejected, eventsOf, placeResponse } from "./checks.js";
import {
  FEE_COLLECTOR_ADDRESS,
  book,
  createTradingFixture,
  depositAll,
  emptyBlock,
  movePrice,
  nextBlockTime,
  openOrders,
  orderSpec,
  place,
  send,
  subaccount,
  trades,
  uusdc,
  withdraw,
  type TradingFixture,
} from "./fixture.js";
import { batchCancel, cancelAll, cancelOrder, replaceOrder } from "./messages.js";

interface Traders {
  f: TradingFixture;
  mm: TestAccount;
  alice: TestAccount;
  bob: TestAccount;
  carol: TestAccount;
}

async function traders(t: ExecutionContext): Promise<Traders> {
  const f = await createTradingFixture({ accounts: 5 });
  const [mm, alice, bob, carol] = f.accounts as [TestAccount, TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm, alice, bob, carol], 100_000n);
  t.truthy(await subaccount(f, carol.address));
  return { f, mm, alice, bob, carol };
}

async function placeOk(t: ExecutionContext, f: TradingFixture, who: TestAccount, spec: OrderSpec) {
  const res = await send(f, who, [place(who.address, spec)]);
  assertOk(t, res, `${spec.side === 1 ? "buy" : "sell"} ${spec.size} @ ${spec.price}`);
  return { res, response: placeResponse(res) };
}

const levels = (ls: { price: bigint; size: bigint }[]) => ls.map((l) => [l.price, l.size]);
const IOC = { timeInForce: TimeInForce.TIME_IN_FORCE_IOC };
const FOK = { timeInForce: TimeInForce.TIME_IN_FORCE_FOK };

test("a good-til-cancelled limit order that does not cross rests on the book and is an event", async (t) => {
  const { f, alice } = await traders(t);
  const { res, response } = await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1.5", "2990"));
  t.is(response.status, "rests");
  t.deepEqual(levels((await book(f, "ETH-PERP")).bids), [[2_990_000_000n, 1500n]]);
  const open = await openOrders(f, alice.address);
  t.deepEqual(
    open.map((o) => [o.id, o.remaining]),
    [[response.orderId, 1500n]],
  );
  const placed = eventsOf(res.events, "order_placed");
  t.is(placed.length, 1);
  t.is(placed[0]!["order_id"], response.orderId.toString());
  // Still there blocks later.
  await emptyBlock(f);
  t.is((await openOrders(f, alice.address)).length, 1);
});

test("an immediate-or-cancel order fills what it can and its remainder is cancelled, not rested", async (t) => {
  const { f, mm, alice } = await traders(t);
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "2", "3010"));
  const { res, response } = await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "3", "3010", IOC));
  t.is(response.status, "cancelled_remainder");
  t.is(response.filled, "2");
  t.is(response.remaining, "1");
  t.is((await subaccount(f, alice.address))!.positions[0]!.size, "2");
  const b = await book(f, "ETH-PERP");
  t.deepEqual([b.bids.length, b.asks.length], [0, 0]);
  t.is((await openOrders(f, alice.address)).length, 0);
  t.deepEqual(
    eventsOf(res.events, "order_expired").map((e) => [e["order_id"], e["remaining"], e["reason"]]),
    [[response.orderId.toString(), "1000", "ioc"]],
  );
  t.is(eventsOf(res.events, "trade").length, 1);
});

test("a fill-or-kill order fills completely or not at all", async (t) => {
  const { f, mm, alice } = await traders(t);
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "1", "3010"));
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "1", "3020"));
  // 3 wanted, 2 available within the limit.
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "3", "3050", FOK))],
    orderbookErrors.fillOrKillNotFilled,
  );
  // 2 wanted but only 1 within 3010.
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "2", "3010", FOK))],
    orderbookErrors.fillOrKillNotFilled,
  );
  const { response } = await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "2", "3020", FOK));
  t.is(response.status, "filled");
  t.deepEqual(
    response.fills.map((x) => [x.price, x.size]),
    [
      ["3010", "1"],
      ["3020", "1"],
    ],
  );
});

test("a market order takes liquidity up to its worst price and never rests", async (t) => {
  const { f, mm, alice } = await traders(t);
  for (const price of ["3010", "3020", "3050"]) await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "1", price));
  const { response } = await placeOk(
    t,
    f,
    alice,
    orderSpec("ETH-PERP", "buy", "3", "3020", { orderType: OrderType.ORDER_TYPE_MARKET }),
  );
  t.is(response.status, "cancelled_remainder");
  t.deepEqual(
    response.fills.map((x) => x.price),
    ["3010", "3020"],
  );
  const b = await book(f, "ETH-PERP");
  t.deepEqual(levels(b.asks), [[3_050_000_000n, 1000n]]);
  t.is(b.bids.length, 0, "the market order's remainder does not rest");
  await assertRejected(
    t,
    f,
    alice,
    [
      place(
        alice.address,
        orderSpec("ETH-PERP", "buy", "1", "3100", {
          orderType: OrderType.ORDER_TYPE_MARKET,
          timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
        }),
      ),
    ],
    orderbookErrors.invalidOrder,
  );
});

test("orders fill by price, then by time across accounts", async (t) => {
  const { f, mm, alice, bob, carol } = await traders(t);
  const first = (await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "1", "3010"))).response.orderId;
  const second = (await placeOk(t, f, bob, orderSpec("ETH-PERP", "sell", "1", "3010"))).response.orderId;
  const better = (await placeOk(t, f, carol, orderSpec("ETH-PERP", "sell", "1", "3005"))).response.orderId;
  const { response } = await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "2.5", "3010"));
  t.deepEqual(
    response.fills.map((x) => [x.makerOrderId, x.price, x.size]),
    [
      [better, "3005", "1"],
      [first, "3010", "1"],
      [second, "3010", "0.5"],
    ],
  );
  t.deepEqual(levels((await book(f, "ETH-PERP")).asks), [[3_010_000_000n, 500n]]);
  t.is((await subaccount(f, bob.address))!.positions[0]!.size, "-0.5");
  t.is((await subaccount(f, mm.address))!.positions[0]!.size, "-1");
});

test("self-trade prevention by default expires the resting order and the taker goes on", async (t) => {
  const { f, mm, alice } = await traders(t);
  const own = (await placeOk(t, f, alice, orderSpec("ETH-PERP", "sell", "1", "3005"))).response.orderId;
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "1", "3010"));
  const { res, response } = await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "3010"));
  t.is(response.status, "filled");
  t.deepEqual(
    response.fills.map((x) => x.price),
    ["3010"],
  );
  t.deepEqual(
    eventsOf(res.events, "order_cancelled").map((e) => [e["order_id"], e["reason"]]),
    [[own.toString(), "self_trade"]],
  );
  t.deepEqual(levels((await book(f, "ETH-PERP")).asks), []);
  t.is((await trades(f, "ETH-PERP")).filter((x) => x.maker === x.taker).length, 0);
});

test("self-trade prevention expire-taker cancels the incoming order and keeps the resting one", async (t) => {
  const { f, mm, alice } = await traders(t);
  const own = (await placeOk(t, f, alice, orderSpec("ETH-PERP", "sell", "1", "3005"))).response.orderId;
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "1", "3010"));
  const { response } = await placeOk(
    t,
    f,
    alice,
    orderSpec("ETH-PERP", "buy", "1", "3010", { selfTrade: SelfTradePrevention.SELF_TRADE_PREVENTION_EXPIRE_TAKER }),
  );
  t.is(response.status, "cancelled_remainder");
  t.is(response.fills.length, 0);
  t.deepEqual(
    (await openOrders(f, alice.address)).map((o) => o.id),
    [own],
  );
  t.deepEqual(levels((await book(f, "ETH-PERP")).asks), [
    [3_005_000_000n, 1000n],
    [3_010_000_000n, 1000n],
  ]);
  t.is((await trades(f, "ETH-PERP")).length, 0);
});

test("an order is cancelled by order id or by client id, only by its owner", async (t) => {
  const { f, alice, bob } = await traders(t);
  const a = (await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "2990", { clientId: 11n }))).response.orderId;
  const b = (await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "2980", { clientId: 12n }))).response.orderId;
  await assertRejected(
    t,
    f,
    bob,
    [cancelOrder(bob.address, "ETH-PERP", { orderId: a })],
    orderbookErrors.orderNotFound,
  );
  await assertRejected(
    t,
    f,
    bob,
    [cancelOrder(bob.address, "ETH-PERP", { clientId: 11n })],
    orderbookErrors.orderNotFound,
  );
  const byId = await send(f, alice, [cancelOrder(alice.address, "ETH-PERP", { orderId: a })]);
  assertOk(t, byId);
  t.deepEqual(
    eventsOf(byId.events, "order_cancelled").map((e) => [e["order_id"], e["reason"]]),
    [[a.toString(), "user"]],
  );
  assertOk(t, await send(f, alice, [cancelOrder(alice.address, "ETH-PERP", { clientId: 12n })]));
  t.deepEqual(await openOrders(f, alice.address), []);
  t.deepEqual((await book(f, "ETH-PERP")).bids, []);
  await assertRejected(
    t,
    f,
    alice,
    [cancelOrder(alice.address, "ETH-PERP", { orderId: b })],
    orderbookErrors.orderNotFound,
  );
});

test("a batch cancel cancels every listed order or, if one is unknown, none", async (t) => {
  const { f, alice } = await traders(t);
  for (const [cid, price] of [
    [1n, "2990"],
    [2n, "2980"],
    [3n, "2970"],
  ] as const)
    await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", price, { clientId: cid }));
  await assertRejected(
    t,
    f,
    alice,
    [batchCancel(alice.address, "ETH-PERP", [1n, 2n, 99n])],
    orderbookErrors.orderNotFound,
  );
  t.is((await openOrders(f, alice.address)).length, 3);
  assertOk(t, await send(f, alice, [batchCancel(alice.address, "ETH-PERP", [1n, 3n])]));
  t.deepEqual(
    (await openOrders(f, alice.address)).map((o) => o.clientId),
    [2n],
  );
});

test("cancel-all cancels the subaccount's orders in one market, or in every market", async (t) => {
  const { f, alice, bob } = await traders(t);
  await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "2990"));
  await placeOk(t, f, alice, orderSpec("ETH-PERP", "sell", "1", "3100"));
  await placeOk(t, f, alice, orderSpec("BTC-PERP", "buy", "0.1", "59000"));
  await placeOk(t, f, bob, orderSpec("ETH-PERP", "buy", "1", "2980"));
  assertOk(t, await send(f, alice, [cancelAll(alice.address, "ETH-PERP")]));
  t.deepEqual(
    (await openOrders(f, alice.address)).map((o) => o.market),
    ["BTC-PERP"],
  );
  assertOk(t, await send(f, alice, [cancelAll(alice.address)]));
  t.deepEqual(await openOrders(f, alice.address), []);
  t.is((await openOrders(f, bob.address)).length, 1, "other accounts' orders stay");
});

test("replace is atomic: a failing new order leaves the old one, a valid one takes its place", async (t) => {
  const { f, alice } = await traders(t);
  const old = (await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "2990", { clientId: 5n }))).response
    .orderId;
  await assertRejected(
    t,
    f,
    alice,
    [replaceOrder(alice.address, 5n, orderSpec("ETH-PERP", "buy", "1", "2990.05", { clientId: 5n }))],
    orderbookErrors.offTick,
  );
  await assertRejected(
    t,
    f,
    alice,
    [replaceOrder(alice.address, 5n, orderSpec("ETH-PERP", "buy", "1000", "2990", { clientId: 5n }))],
    orderbookErrors.insufficientMargin,
  );
  await assertRejected(
    t,
    f,
    alice,
    [replaceOrder(alice.address, 6n, orderSpec("ETH-PERP", "buy", "1", "2995", { clientId: 6n }))],
    orderbookErrors.orderNotFound,
  );
  t.deepEqual(
    (await openOrders(f, alice.address)).map((o) => o.id),
    [old],
  );
  const res = await send(f, alice, [
    replaceOrder(alice.address, 5n, orderSpec("ETH-PERP", "buy", "2", "2995", { clientId: 5n })),
  ]);
  assertOk(t, res);
  const open = await openOrders(f, alice.address);
  t.deepEqual(
    open.map((o) => [o.clientId, o.price, o.size]),
    [[5n, 2_995_000_000n, 2000n]],
  );
  t.not(open[0]!.id, old);
  t.deepEqual(
    eventsOf(res.events, "order_cancelled").map((e) => [e["order_id"], e["reason"]]),
    [[old.toString(), "replaced"]],
  );
});

test("good-til-block and good-til-time orders expire at the end of their block", async (t) => {
  const { f, alice } = await traders(t);
  const untilBlock = f.height + 4n;
  const untilTime = nextBlockTime(f) + 4n;
  const byBlock = (await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "2990", { goodTilBlock: untilBlock })))
    .response.orderId;
  const byTime = (await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "2980", { goodTilTime: untilTime })))
    .response.orderId;
  await emptyBlock(f);
  t.is(f.height, untilBlock - 1n);
  t.is((await openOrders(f, alice.address)).length, 2);
  const atBlock = await emptyBlock(f);
  t.deepEqual(
    (await openOrders(f, alice.address)).map((o) => o.id),
    [byTime],
  );
  t.deepEqual(
    eventsOf(atBlock.events, "order_cancelled").map((e) => [e["order_id"], e["reason"]]),
    [[byBlock.toString(), "expired"]],
  );
  const atTime = await emptyBlock(f);
  t.true(nextBlockTime(f) - 1n >= untilTime);
  t.deepEqual(await openOrders(f, alice.address), []);
  t.deepEqual(
    eventsOf(atTime.events, "order_cancelled").map((e) => e["order_id"]),
    [byTime.toString()],
  );
  // Already expired when placed.
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "2990", { goodTilBlock: f.height }))],
    orderbookErrors.expired,
  );
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "2990", { goodTilTime: nextBlockTime(f) - 1n }))],
    orderbookErrors.expired,
  );
});

test("a stop order waits off the book until the oracle crosses its trigger, then trades", async (t) => {
  const { f, mm, alice } = await traders(t);
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "2", "3010"));
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "buy", "2", "2950"));
  await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "3010"));
  const stop = await placeOk(
    t,
    f,
    alice,
    orderSpec("ETH-PERP", "sell", "1", "2900", {
      reduceOnly: true,
      triggerType: TriggerType.TRIGGER_TYPE_STOP,
      triggerPrice: "2960",
    }),
  );
  t.is(stop.response.status, "untriggered");
  t.deepEqual(levels((await book(f, "ETH-PERP")).asks), [[3_010_000_000n, 1000n]], "not on the book");
  await movePrice(f, "ETH", "2970");
  await emptyBlock(f);
  t.is((await subaccount(f, alice.address))!.positions[0]!.size, "1", "not triggered above the trigger");
  await movePrice(f, "ETH", "2960");
  const fired = f.last!;
  t.deepEqual(
    eventsOf(fired.events, "order_triggered").map((e) => e["order_id"]),
    [stop.response.orderId.toString()],
  );
  t.is((await subaccount(f, alice.address))!.positions.length, 0);
  const last = (await trades(f, "ETH-PERP"))[0]!;
  t.deepEqual([last.price, last.takerOrderId], [2_950_000_000n, stop.response.orderId]);
});

test("a take-profit order triggers when the oracle moves in its favour", async (t) => {
  const { f, mm, alice } = await traders(t);
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "2", "3010"));
  await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "3010"));
  const tp = await placeOk(
    t,
    f,
    alice,
    orderSpec("ETH-PERP", "sell", "1", "3100", {
      reduceOnly: true,
      triggerType: TriggerType.TRIGGER_TYPE_TAKE_PROFIT,
      triggerPrice: "3100",
    }),
  );
  await movePrice(f, "ETH", "2900");
  t.is((await openOrders(f, alice.address)).length, 1, "a drop does not trigger a take-profit sell");
  await movePrice(f, "ETH", "3120");
  // Triggered: its limit sell at 3100 rests (nothing bids that high).
  const open = await openOrders(f, alice.address);
  t.deepEqual(
    open.map((o) => [o.id, o.triggerType]),
    [[tp.response.orderId, TriggerType.TRIGGER_TYPE_UNSPECIFIED]],
  );
  t.deepEqual(levels((await book(f, "ETH-PERP")).asks), [
    [3_010_000_000n, 1000n],
    [3_100_000_000n, 1000n],
  ]);
});

test("maker and taker fees are paid to the fee collector", async (t) => {
  const { f, mm, alice } = await traders(t);
  const before = await uusdc(f, FEE_COLLECTOR_ADDRESS);
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "2", "3010"));
  const { response } = await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "2", "3010"));
  // Notional 6020: maker 0.02% = 1.204, taker 0.05% = 3.01.
  t.is(response.fills[0]!.fee, "3.01");
  t.is((await uusdc(f, FEE_COLLECTOR_ADDRESS)) - before, 1_204_000n + 3_010_000n);
  t.is((await subaccount(f, mm.address))!.collateral, "106018.796");
  t.is((await subaccount(f, alice.address))!.collateral, "93976.99");
});

test("a maker that can no longer afford its fill is removed and the taker fills against the next", async (t) => {
  const { f, mm, alice, bob } = await traders(t);
  const weak = (await placeOk(t, f, bob, orderSpec("ETH-PERP", "buy", "10", "2990"))).response.orderId;
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "buy", "10", "2980"));
  // Bob takes his collateral out (he has no positions, so the withdrawal is allowed).
  assertOk(t, await send(f, bob, [withdraw(bob.address, 99_900n * 1_000_000n)]));
  const { res, response } = await placeOk(t, f, alice, orderSpec("ETH-PERP", "sell", "1", "2900"));
  t.deepEqual(
    response.fills.map((x) => x.price),
    ["2980"],
  );
  t.deepEqual(
    eventsOf(res.events, "order_cancelled").map((e) => [e["order_id"], e["reason"]]),
    [[weak.toString(), "undercollateralized"]],
  );
  t.deepEqual(await openOrders(f, bob.address), []);
  t.is((await subaccount(f, bob.address))!.positions.length, 0);
});
