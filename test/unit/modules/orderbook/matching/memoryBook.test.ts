import { deepStrictEqual } from "node:assert/strict";
import test from "ava";
import fc from "fast-check";
import { MemoryBook, matchOrder, matchingErrors } from "../../../../../modules/orderbook/matching/index.js";
import type { MatchPlan } from "../../../../../modules/orderbook/matching/index.js";
import { assertProperty } from "../../../../helpers/property.js";
import { ask, bid, bookOf, everything, match, taker } from "./fixtures.js";
import { ReferenceBook, referenceMatch } from "./referenceBook.js";

test("an empty book has no best prices, no depth and no orders", (t) => {
  const book = new MemoryBook();
  t.deepEqual(
    [book.bestBid(), book.bestAsk(), book.size, book.depth("buy", 5), [...book.resting("sell")]],
    [undefined, undefined, 0, [], []],
  );
});

test("depth aggregates size and order count per price level, best first", (t) => {
  const book = bookOf(bid(1n, 99n, 2n), bid(2n, 100n, 3n), bid(3n, 99n, 4n), bid(4n, 97n, 1n), ask(5n, 103n, 7n));
  t.deepEqual(book.depth("buy", 2), [
    { price: 100n, size: 3n, orders: 1 },
    { price: 99n, size: 6n, orders: 2 },
  ]);
  t.deepEqual(book.depth("sell", 10), [{ price: 103n, size: 7n, orders: 1 }]);
  t.deepEqual([book.bestBid(), book.bestAsk(), book.size], [100n, 103n, 5]);
});

test("depth follows partial fills", (t) => {
  const book = bookOf(ask(1n, 100n, 5n), ask(2n, 100n, 5n));
  book.execute(taker({ side: "buy", price: 100n, size: 7n }));
  t.deepEqual(book.depth("sell", 1), [{ price: 100n, size: 3n, orders: 1 }]);
});

test("resting orders are listed best price first, then lowest id", (t) => {
  const book = bookOf(ask(4n, 101n, 1n), ask(2n, 100n, 1n), ask(9n, 100n, 1n), ask(1n, 102n, 1n), ask(3n, 101n, 1n));
  t.deepEqual(
    [...book.resting("sell")].map((o) => o.id),
    [2n, 9n, 3n, 4n, 1n],
  );
});

test("removing an order returns it as it was and empties its level", (t) => {
  const book = bookOf(bid(1n, 100n, 2n), bid(2n, 99n, 2n));
  t.deepEqual(book.remove(1n), bid(1n, 100n, 2n));
  t.is(book.remove(1n), undefined, "a second cancel finds nothing");
  t.is(book.get(1n), undefined);
  t.deepEqual([book.bestBid(), book.size, book.depth("buy", 5).length], [99n, 1, 1]);
});

test("get returns the order with its current remaining size", (t) => {
  const book = bookOf(ask(1n, 100n, 5n));
  book.execute(taker({ side: "buy", price: 100n, size: 2n }));
  t.deepEqual(book.get(1n), ask(1n, 100n, 3n));
});

test("inserting an order that would cross the book is refused", (t) => {
  const book = bookOf(ask(1n, 100n, 5n));
  t.true(matchingErrors.crossedBook.is(t.throws(() => book.insert(bid(2n, 100n, 1n)))));
  t.deepEqual(everything(book), [ask(1n, 100n, 5n)]);
});

test("inserting an id that is already on the book is refused", (t) => {
  const book = bookOf(ask(1n, 100n, 5n));
  t.true(matchingErrors.duplicateOrderId.is(t.throws(() => book.insert(ask(1n, 101n, 5n)))));
});

test("inserting an order without a positive price and size is refused", (t) => {
  const book = new MemoryBook();
  t.true(matchingErrors.invalidPrice.is(t.throws(() => book.insert(ask(1n, 0n, 5n)))));
  t.true(matchingErrors.invalidSize.is(t.throws(() => book.insert(ask(1n, 100n, 0n)))));
  t.is(book.size, 0);
});

test("a plan computed before the book changed is refused and changes nothing", (t) => {
  const book = bookOf(ask(1n, 100n, 5n), ask(2n, 101n, 5n));
  const stale = matchOrder(book, taker({ side: "buy", price: 101n, size: 7n }));
  book.execute(taker({ id: 1001n, side: "buy", price: 100n, size: 1n }));
  const before = everything(book);
  t.true(matchingErrors.stalePlan.is(t.throws(() => book.apply(stale))));
  t.deepEqual(everything(book), before);
});

test("a plan whose remainder would cross what is left is refused and changes nothing", (t) => {
  const book = bookOf(ask(1n, 100n, 5n));
  const plan = matchOrder(book, taker({ side: "buy", price: 100n, size: 7n }));
  book.insert(ask(2n, 100n, 1n));
  t.true(matchingErrors.stalePlan.is(t.throws(() => book.apply(plan))));
  t.deepEqual(everything(book), [ask(1n, 100n, 5n), ask(2n, 100n, 1n)]);
});

test("a plan that names a maker twice is refused", (t) => {
  const book = bookOf(ask(1n, 100n, 5n));
  const fill = { maker: ask(1n, 100n, 5n), price: 100n, size: 1n, makerRemaining: 4n };
  const plan: MatchPlan = { fills: [fill, fill], expired: [], filled: 2n, remaining: 0n, outcome: "filled" };
  t.true(matchingErrors.stalePlan.is(t.throws(() => book.apply(plan))));
  t.deepEqual(everything(book), [ask(1n, 100n, 5n)]);
});

test("ids and prices beyond 2^53 keep exact priority", (t) => {
  const big = 2n ** 70n;
  const book = bookOf(ask(big + 2n, big + 1n, 1n), ask(big + 1n, big + 1n, 1n), ask(big + 3n, big, 1n));
  const plan = match(t, book, taker({ id: big + 9n, side: "buy", price: big + 1n, size: 2n }));
  t.deepEqual(
    plan.fills.map((f) => [f.maker.id, f.price]),
    [
      [big + 3n, big],
      [big + 1n, big + 1n],
    ],
  );
  book.apply(plan);
  t.deepEqual(book.remove(big + 2n), ask(big + 2n, big + 1n, 1n));
  t.is(book.size, 0);
});

test("a book rebuilt by inserting its orders in any order matches like the original", (t) => {
  const orders = [ask(5n, 101n, 2n), ask(1n, 100n, 1n), bid(3n, 98n, 4n), ask(4n, 100n, 3n), bid(2n, 99n, 1n)];
  const rebuilt = bookOf(...[...orders].reverse());
  const original = bookOf(...orders);
  t.deepEqual(everything(rebuilt), everything(original));
  const order = taker({ side: "buy", price: 101n, size: 5n });
  t.deepEqual(matchOrder(rebuilt, order), matchOrder(original, order));
});

test("a book thousands of price levels deep keeps price-time priority as levels come and go", (t) => {
  assertProperty(
    t,
    fc.property(
      fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1500, maxLength: 3000 }),
      fc.array(fc.nat(), { maxLength: 1500 }),
      (ticks, cancels) => {
        const book = new MemoryBook();
        const reference = new ReferenceBook();
        ticks.forEach((tick, i) => {
          // Bids at 1..5000, asks at 5001..10000, inserted in random price order.
          const order = i % 2 === 0 ? bid(BigInt(i), BigInt(tick), 1n) : ask(BigInt(i), BigInt(5000 + tick), 1n);
          book.insert(order);
          reference.insert(order);
        });
        for (const pick of cancels) {
          const id = BigInt(pick % ticks.length);
          deepStrictEqual(book.remove(id), reference.remove(id));
        }
        deepStrictEqual([...book.resting("buy")], reference.resting("buy"));
        deepStrictEqual([...book.resting("sell")], reference.resting("sell"));
        deepStrictEqual(book.depth("sell", 700), reference.depth("sell", 700));
        const sweep = taker({ id: 10_000n, side: "sell", price: 1n, size: 5000n, tif: "ioc" });
        deepStrictEqual(matchOrder(book, sweep, { maxFills: 5000 }), referenceMatch(reference, sweep, 5000));
        book.apply(matchOrder(book, sweep, { maxFills: 5000 }));
        deepStrictEqual(book.bestBid(), undefined);
      },
    ),
    { numRuns: 15 },
  );
});

test("a remainder whose id is already on the book is refused, with or without fills", (t) => {
  const resting = taker({ id: 7n, side: "buy", price: 99n, size: 5n });
  const crossing = taker({ id: 7n, side: "buy", price: 100n, size: 9n });
  for (const order of [resting, crossing]) {
    const book = bookOf(ask(1n, 100n, 5n), bid(7n, 90n, 1n));
    const before = everything(book);
    t.true(matchingErrors.duplicateOrderId.is(t.throws(() => book.execute(order))), `limit ${order.price}`);
    t.deepEqual(everything(book), before);
  }
});
