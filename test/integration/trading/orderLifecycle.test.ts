/** Cancels (by id, client id, batch, all), atomic replace, good-til expiry, stop and take-profit triggers. */
import test from "ava";
import { TriggerType } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { orderbookErrors } from "../../../modules/orderbook/index.js";
import { assertOk, assertRejected, eventsOf, levels, placeOk, traders } from "./checks.js";
import {
  book,
  emptyBlock,
  movePrice,
  nextBlockTime,
  openOrders,
  orderSpec,
  place,
  send,
  subaccount,
  trades,
} from "./fixture.js";
import { batchCancel, cancelAll, cancelOrder, replaceOrder } from "./messages.js";

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
  // On the book it is a new order: its id is given when it fires.
  const bookId = BigInt(eventsOf(fired.events, "order_triggered")[0]!["book_order_id"]!);
  const last = (await trades(f, "ETH-PERP"))[0]!;
  t.deepEqual([last.price, last.takerOrderId], [2_950_000_000n, bookId]);
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
  const fired = eventsOf(f.last!.events, "order_triggered")[0]!;
  t.is(fired["order_id"], tp.response.orderId.toString());
  t.deepEqual(
    open.map((o) => [o.id, o.triggerType]),
    [[BigInt(fired["book_order_id"]!), TriggerType.TRIGGER_TYPE_UNSPECIFIED]],
  );
  t.deepEqual(levels((await book(f, "ETH-PERP")).asks), [
    [3_010_000_000n, 1000n],
    [3_100_000_000n, 1000n],
  ]);
});
