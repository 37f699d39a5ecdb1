/** Order types, time in force, priority, self-trade prevention, cancels, expiry, triggers and fees. */
import test from "ava";
import {
  OrderType,
  SelfTradePrevention,
  TimeInForce,
} from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { orderbookErrors } from "../../../modules/orderbook/index.js";
import { assertOk, assertRejected, eventsOf, levels, placeOk, traders } from "./checks.js";
import {
  FEE_COLLECTOR_ADDRESS,
  book,
  emptyBlock,
  openOrders,
  orderSpec,
  place,
  send,
  subaccount,
  trades,
  uusdc,
  withdraw,
} from "./fixture.js";

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

test("an order that fills at once is an event too, before its trades", async (t) => {
  const { f, mm, alice } = await traders(t);
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "1", "3010"));
  const { res, response } = await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "3010"));
  t.is(response.status, "filled");
  const types = res.events.map((e) => e.type).filter((type) => type === "order_placed" || type === "trade");
  t.deepEqual(types, ["order_placed", "trade"]);
  const placed = eventsOf(res.events, "order_placed")[0]!;
  t.is(placed["order_id"], response.orderId.toString());
  t.is(placed["status"], "filled");
  t.is(placed["remaining"], "0");
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

test("a resting reduce-only order never opens a position: once the position is gone it is cancelled, not filled", async (t) => {
  const { f, mm, alice, bob } = await traders(t);
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "1", "3010"));
  await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "3010"));
  const takeProfit = (await placeOk(t, f, alice, orderSpec("ETH-PERP", "sell", "1", "3100", { reduceOnly: true })))
    .response.orderId;
  // Alice closes the position another way; the reduce-only order still rests.
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "buy", "1", "3000"));
  await placeOk(t, f, alice, orderSpec("ETH-PERP", "sell", "1", "3000", IOC));
  t.deepEqual((await subaccount(f, alice.address))!.positions, []);
  const { res, response } = await placeOk(t, f, bob, orderSpec("ETH-PERP", "buy", "1", "3100"));
  t.is(response.filled, "0", "bob does not trade with the stale reduce-only order");
  t.deepEqual((await subaccount(f, alice.address))!.positions, [], "alice is not short");
  t.true(eventsOf(res.events, "order_cancelled").some((e) => e["order_id"] === takeProfit.toString()));
  t.false((await openOrders(f, alice.address)).some((o) => o.id === takeProfit));
});

test("a resting reduce-only order fills while it reduces the position", async (t) => {
  const { f, mm, alice, bob } = await traders(t);
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "2", "3010"));
  await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "2", "3010"));
  await placeOk(t, f, alice, orderSpec("ETH-PERP", "sell", "1", "3100", { reduceOnly: true }));
  const { response } = await placeOk(t, f, bob, orderSpec("ETH-PERP", "buy", "1", "3100"));
  t.is(response.filled, "1");
  t.is((await subaccount(f, alice.address))!.positions[0]!.size, "1");
});
