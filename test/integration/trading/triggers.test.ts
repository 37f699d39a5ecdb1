/** Parked stop and take-profit orders: indexed by trigger price, and time priority from the moment they reach the book. */
import test from "ava";
import { TriggerType } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { lengthPrefixed } from "../../../chain/runtime/collection.js";
import { concatBytes, u64be, utf8 } from "../../../chain/types/bytes.js";
import { ORDERS_PREFIX } from "../../../modules/orderbook/keys.js";
import { assertOk, eventsOf, placeOk, placeResponse, traders } from "./checks.js";
import { movePrice, openOrders, orderSpec, place, send, subaccount, trades } from "./fixture.js";
import { countReads } from "./reads.js";

test("a fired trigger order gets its time priority when it reaches the book, not when it was parked", async (t) => {
  const { f, alice, bob, carol } = await traders(t);
  // Alice parks first: a stop buy at 2990 that fires when ETH reaches 3010.
  const parked = await placeOk(
    t,
    f,
    alice,
    orderSpec("ETH-PERP", "buy", "1", "2990", { triggerType: TriggerType.TRIGGER_TYPE_STOP, triggerPrice: "3010" }),
  );
  // Bob bids the same price later, but before Alice's stop fires.
  const bobs = await placeOk(t, f, bob, orderSpec("ETH-PERP", "buy", "1", "2990"));
  await movePrice(f, "ETH", "3010");
  const fired = eventsOf(f.last!.events, "order_triggered");
  t.is(fired.length, 1);
  t.is(fired[0]!["order_id"], parked.response.orderId.toString());
  const bookId = BigInt(fired[0]!["book_order_id"]!);
  t.true(bookId > bobs.response.orderId, "the fired order is younger than every order already on the book");
  t.deepEqual(
    (await openOrders(f, alice.address)).map((o) => [o.id, o.triggerType]),
    [[bookId, TriggerType.TRIGGER_TYPE_UNSPECIFIED]],
  );
  // A seller for one contract at 2990 meets Bob first: he was on the book first.
  await placeOk(t, f, carol, orderSpec("ETH-PERP", "sell", "1", "2990"));
  t.is((await subaccount(f, bob.address))!.positions[0]?.size, "1");
  t.is((await subaccount(f, alice.address))!.positions.length, 0);
  t.is((await trades(f, "ETH-PERP"))[0]!.makerOrderId, bobs.response.orderId);
});

test("a price move reads only the parked triggers it crossed, not every parked order", async (t) => {
  const { f, alice } = await traders(t);
  const far = [];
  // 40 stop sells far below the price (they fire only if ETH falls under 2000) and one near it.
  const msgs = Array.from({ length: 40 }, (_, i) =>
    place(
      alice.address,
      orderSpec("ETH-PERP", "sell", "0.01", "1000", {
        triggerType: TriggerType.TRIGGER_TYPE_STOP,
        triggerPrice: String(1900 + i),
      }),
    ),
  );
  const res = await send(f, alice, msgs, 40_000_000);
  assertOk(t, res);
  for (let i = 0; i < 40; i++) far.push(placeResponse(res, i).orderId);
  const near = await placeOk(
    t,
    f,
    alice,
    orderSpec("ETH-PERP", "buy", "0.01", "3100", { triggerType: TriggerType.TRIGGER_TYPE_STOP, triggerPrice: "3005" }),
  );
  const farKeys = far.map((id) => concatBytes(ORDERS_PREFIX, lengthPrefixed(utf8("ETH-PERP")), u64be(id)));
  const { reads } = await countReads(f, "orderbook", farKeys, () => movePrice(f, "ETH", "3005"));
  t.deepEqual(
    eventsOf(f.last!.events, "order_triggered").map((e) => e["order_id"]),
    [near.response.orderId.toString()],
  );
  t.is(reads, 0, "no far-away parked order was read");
  t.is((await openOrders(f, alice.address)).length, 41, "40 parked and the fired one resting");
  // Crossing them all fires all 40, in parking order.
  await movePrice(f, "ETH", "1800");
  t.deepEqual(
    eventsOf(f.last!.events, "order_triggered").map((e) => BigInt(e["order_id"]!)),
    far,
  );
});
