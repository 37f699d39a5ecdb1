import test from "ava";
import { DEFAULT_MAX_FILLS, matchOrder, matchingErrors } from "../../../../../modules/orderbook/matching/index.js";
import type { BookView, RestingOrder, Side } from "../../../../../modules/orderbook/matching/index.js";
import { ask, bid, bookOf, everything, match, taker } from "./fixtures.js";

test("fills happen at the maker's price, not the taker's limit", (t) => {
  const plan = match(t, bookOf(ask(1n, 100n, 5n)), taker({ side: "buy", price: 105n, size: 5n }));
  t.is(plan.fills.length, 1);
  t.is(plan.fills[0]!.price, 100n);
  t.is(plan.outcome, "filled");
});

test("a better price fills first, even when a worse-priced order is older", (t) => {
  const book = bookOf(bid(1n, 99n, 5n), bid(2n, 101n, 5n), bid(3n, 100n, 5n));
  const plan = match(t, book, taker({ side: "sell", price: 99n, size: 12n }));
  t.deepEqual(
    plan.fills.map((f) => [f.maker.id, f.price, f.size]),
    [
      [2n, 101n, 5n],
      [3n, 100n, 5n],
      [1n, 99n, 2n],
    ],
  );
});

test("orders at one price fill oldest first", (t) => {
  // Inserted out of arrival order, as a rebuild from state may do: the id decides.
  const book = bookOf(ask(7n, 100n, 1n), ask(3n, 100n, 1n), ask(5n, 100n, 1n));
  const plan = match(t, book, taker({ side: "buy", price: 100n, size: 3n }));
  t.deepEqual(
    plan.fills.map((f) => f.maker.id),
    [3n, 5n, 7n],
  );
});

test("a fill reports the maker as it was before the fill and what it has left after", (t) => {
  const plan = match(t, bookOf(ask(1n, 100n, 10n)), taker({ side: "buy", price: 100n, size: 4n }));
  t.deepEqual(plan.fills, [{ maker: ask(1n, 100n, 10n), price: 100n, size: 4n, makerRemaining: 6n }]);
  t.is(plan.filled, 4n);
  t.is(plan.remaining, 0n);
});

test("a partly filled maker keeps its place at the front of its price level", (t) => {
  const book = bookOf(ask(1n, 100n, 10n), ask(2n, 100n, 10n));
  book.execute(taker({ side: "buy", price: 100n, size: 4n }));
  t.deepEqual([...book.resting("sell")], [ask(1n, 100n, 6n), ask(2n, 100n, 10n)]);
});

test("matching walks the book lazily and stops at the first order that does not cross", (t) => {
  let pulled = 0;
  const orders = [ask(1n, 100n, 1n), ask(2n, 101n, 1n), ask(3n, 102n, 1n), ask(4n, 103n, 1n)];
  const view: BookView = {
    *resting(side: Side): Generator<RestingOrder> {
      if (side !== "sell") return;
      for (const order of orders) {
        pulled++;
        yield order;
      }
    },
  };
  const plan = matchOrder(view, taker({ side: "buy", price: 101n, size: 10n }));
  t.is(plan.filled, 2n);
  t.is(pulled, 3, "two crossing orders and the first one that does not cross");
});

test("a taker that fills completely stops without looking further", (t) => {
  const book = bookOf(ask(1n, 100n, 5n), ask(2n, 100n, 5n, "taker"));
  const plan = match(t, book, taker({ side: "buy", price: 100n, size: 5n }));
  t.is(plan.outcome, "filled");
  t.deepEqual(plan.expired, [], "the own order behind the filling one is not reached");
});

test("a market buy stops at its worst price", (t) => {
  const book = bookOf(ask(1n, 100n, 2n), ask(2n, 104n, 2n), ask(3n, 105n, 2n), ask(4n, 106n, 2n));
  const plan = match(t, book, taker({ side: "buy", price: 105n, size: 100n, tif: "ioc" }));
  t.deepEqual(
    plan.fills.map((f) => f.price),
    [100n, 104n, 105n],
  );
  t.is(plan.outcome, "cancelled_remainder");
  t.is(plan.remaining, 94n);
});

test("a market sell stops at its worst price", (t) => {
  const book = bookOf(bid(1n, 100n, 2n), bid(2n, 96n, 2n), bid(3n, 95n, 2n), bid(4n, 94n, 2n));
  const plan = match(t, book, taker({ side: "sell", price: 95n, size: 100n, tif: "ioc" }));
  t.deepEqual(
    plan.fills.map((f) => f.price),
    [100n, 96n, 95n],
  );
  t.is(plan.filled, 6n);
});

test("a post-only order that would cross is rejected, not matched", (t) => {
  const book = bookOf(ask(1n, 100n, 5n));
  const plan = match(t, book, taker({ side: "buy", price: 100n, size: 5n, tif: "post_only" }));
  t.is(plan.outcome, "rejected_post_only");
  t.deepEqual([plan.fills, plan.expired, plan.filled, plan.remaining], [[], [], 0n, 5n]);
  book.apply(plan);
  t.deepEqual(everything(book), [ask(1n, 100n, 5n)]);
});

test("a post-only order that would cross only its owner's order is rejected, and expires nothing", (t) => {
  const book = bookOf(ask(1n, 100n, 5n, "taker"));
  const plan = match(t, book, taker({ side: "buy", price: 100n, size: 5n, tif: "post_only", stp: "expire_both" }));
  t.is(plan.outcome, "rejected_post_only");
  t.deepEqual(plan.expired, []);
});

test("a post-only order that does not cross rests whole at its price", (t) => {
  const plan = match(t, bookOf(ask(1n, 100n, 5n)), taker({ side: "buy", price: 99n, size: 5n, tif: "post_only" }));
  t.is(plan.outcome, "rests");
  t.deepEqual(plan.rest, bid(1000n, 99n, 5n, "taker"));
});

test("a fill-or-kill that cannot fill completely changes nothing", (t) => {
  const book = bookOf(ask(1n, 100n, 3n), ask(2n, 101n, 3n), ask(3n, 102n, 3n));
  const plan = match(t, book, taker({ side: "buy", price: 101n, size: 7n, tif: "fok" }));
  t.is(plan.outcome, "rejected_fok");
  t.deepEqual([plan.fills, plan.expired, plan.filled, plan.remaining], [[], [], 0n, 7n]);
});

test("a fill-or-kill does not count its owner's orders as liquidity, and expires none when rejected", (t) => {
  const book = bookOf(ask(1n, 100n, 3n), ask(2n, 100n, 5n, "taker"), ask(3n, 101n, 3n));
  const plan = match(t, book, taker({ side: "buy", price: 101n, size: 7n, tif: "fok" }));
  t.is(plan.outcome, "rejected_fok");
  t.deepEqual(plan.expired, []);
});

test("a fill-or-kill that can fill completely fills, expiring its owner's orders met on the way", (t) => {
  const book = bookOf(ask(1n, 100n, 3n), ask(2n, 100n, 5n, "taker"), ask(3n, 101n, 4n));
  const plan = match(t, book, taker({ side: "buy", price: 101n, size: 7n, tif: "fok" }));
  t.is(plan.outcome, "filled");
  t.deepEqual(
    plan.expired.map((o) => o.id),
    [2n],
  );
  t.is(plan.filled, 7n);
});

test("a fill-or-kill that self-trade prevention would stop is rejected", (t) => {
  const book = bookOf(ask(1n, 100n, 3n), ask(2n, 100n, 5n, "taker"), ask(3n, 101n, 4n));
  const plan = match(t, book, taker({ side: "buy", price: 101n, size: 7n, tif: "fok", stp: "expire_taker" }));
  t.is(plan.outcome, "rejected_fok");
  t.deepEqual([plan.fills, plan.expired], [[], []]);
});

test("an immediate-or-cancel order's unfilled remainder is cancelled, never rested", (t) => {
  const plan = match(t, bookOf(ask(1n, 100n, 3n)), taker({ side: "buy", price: 100n, size: 5n, tif: "ioc" }));
  t.is(plan.outcome, "cancelled_remainder");
  t.is(plan.cancelReason, "ioc");
  t.is(plan.filled, 3n);
  t.is(plan.rest, undefined);
});

test("an immediate-or-cancel order that crosses nothing is cancelled whole", (t) => {
  const plan = match(t, bookOf(ask(1n, 100n, 3n)), taker({ side: "buy", price: 99n, size: 5n, tif: "ioc" }));
  t.deepEqual([plan.outcome, plan.filled, plan.remaining], ["cancelled_remainder", 0n, 5n]);
});

test("a good-till-cancelled remainder rests at the taker's limit with the taker's id", (t) => {
  const book = bookOf(ask(1n, 100n, 3n), ask(2n, 102n, 3n));
  const plan = book.execute(taker({ side: "buy", price: 101n, size: 5n }));
  t.is(plan.outcome, "rests");
  t.deepEqual(plan.rest, bid(1000n, 101n, 2n, "taker"));
  t.is(book.bestBid(), 101n);
  t.is(book.bestAsk(), 102n);
});

test("a taker that fills completely is filled and rests nothing", (t) => {
  const book = bookOf(ask(1n, 100n, 3n), ask(2n, 101n, 3n));
  const plan = book.execute(taker({ side: "buy", price: 101n, size: 6n }));
  t.deepEqual([plan.outcome, plan.rest, book.size], ["filled", undefined, 0]);
});

test("self-trade prevention expires the resting order by default and matching continues", (t) => {
  // expire_maker is the mode the taker() fixture uses, as the keeper's default.
  const book = bookOf(ask(1n, 100n, 2n), ask(2n, 100n, 4n, "taker"), ask(3n, 101n, 4n));
  const plan = match(t, book, taker({ side: "buy", price: 101n, size: 5n }));
  t.deepEqual(plan.expired, [ask(2n, 100n, 4n, "taker")]);
  t.deepEqual(
    plan.fills.map((f) => [f.maker.id, f.size]),
    [
      [1n, 2n],
      [3n, 3n],
    ],
  );
  t.is(plan.outcome, "filled");
  book.apply(plan);
  t.deepEqual(everything(book), [ask(3n, 101n, 1n)]);
});

test("expire_taker self-trade prevention stops at the own order: earlier fills stand, the rest is cancelled", (t) => {
  const book = bookOf(ask(1n, 100n, 2n), ask(2n, 100n, 4n, "taker"), ask(3n, 101n, 4n));
  const plan = match(t, book, taker({ side: "buy", price: 101n, size: 5n, stp: "expire_taker" }));
  t.deepEqual(
    [plan.outcome, plan.cancelReason, plan.filled, plan.expired],
    ["cancelled_remainder", "self_trade", 2n, []],
  );
  book.apply(plan);
  t.deepEqual(everything(book), [ask(2n, 100n, 4n, "taker"), ask(3n, 101n, 4n)]);
});

test("expire_both self-trade prevention expires the own order and cancels the remainder", (t) => {
  const book = bookOf(ask(1n, 100n, 2n), ask(2n, 100n, 4n, "taker"), ask(3n, 101n, 4n));
  const plan = match(t, book, taker({ side: "buy", price: 101n, size: 5n, stp: "expire_both" }));
  t.deepEqual([plan.outcome, plan.cancelReason, plan.filled], ["cancelled_remainder", "self_trade", 2n]);
  t.deepEqual(plan.expired, [ask(2n, 100n, 4n, "taker")]);
  book.apply(plan);
  t.deepEqual(everything(book), [ask(3n, 101n, 4n)]);
});

test("orders of one owner never trade with each other, whatever the mode", (t) => {
  for (const stp of ["expire_maker", "expire_taker", "expire_both"] as const) {
    for (const tif of ["gtc", "ioc", "fok"] as const) {
      const plan = match(
        t,
        bookOf(ask(1n, 100n, 5n, "taker")),
        taker({ side: "buy", price: 100n, size: 5n, stp, tif }),
      );
      t.deepEqual(plan.fills, [], `${stp} ${tif}`);
    }
  }
});

test("maxFills cancels the remainder while the book still crosses", (t) => {
  const book = bookOf(ask(1n, 100n, 1n), ask(2n, 100n, 1n), ask(3n, 100n, 1n));
  const plan = match(t, book, taker({ side: "buy", price: 100n, size: 3n }), { maxFills: 2 });
  t.deepEqual(
    [plan.outcome, plan.cancelReason, plan.filled, plan.rest],
    ["cancelled_remainder", "max_fills", 2n, undefined],
  );
});

test("a remainder that reached maxFills still rests if nothing more crosses", (t) => {
  const book = bookOf(ask(1n, 100n, 1n), ask(2n, 100n, 1n), ask(3n, 101n, 1n));
  const plan = match(t, book, taker({ side: "buy", price: 100n, size: 3n }), { maxFills: 2 });
  t.is(plan.outcome, "rests");
  t.deepEqual(plan.rest, bid(1000n, 100n, 1n, "taker"));
});

test("maxFills bounds one order to a thousand fills by default", (t) => {
  const book = bookOf(...Array.from({ length: 1005 }, (_, i) => ask(BigInt(i + 1), 100n, 1n)));
  const plan = match(t, book, taker({ side: "buy", price: 100n, size: 2000n }));
  t.is(DEFAULT_MAX_FILLS, 1000);
  t.is(plan.fills.length, 1000);
  t.is(plan.cancelReason, "max_fills");
});

test("the book is never crossed after a placement, whatever the time in force", (t) => {
  for (const tif of ["gtc", "ioc", "fok", "post_only"] as const) {
    const book = bookOf(bid(1n, 98n, 5n), ask(2n, 100n, 5n), ask(3n, 101n, 5n, "taker"));
    book.execute(taker({ side: "buy", price: 102n, size: 20n, tif, stp: "expire_taker" }));
    const bestBid = book.bestBid();
    const bestAsk = book.bestAsk();
    t.true(bestBid === undefined || bestAsk === undefined || bestBid < bestAsk, tif);
  }
});

test("an order with a size or price that is not positive is refused with a typed error", (t) => {
  const book = bookOf(ask(1n, 100n, 5n));
  for (const bad of [
    { order: taker({ side: "buy", price: 100n, size: 0n }), error: matchingErrors.invalidSize },
    { order: taker({ side: "buy", price: 100n, size: -1n }), error: matchingErrors.invalidSize },
    { order: taker({ side: "buy", price: 0n, size: 1n }), error: matchingErrors.invalidPrice },
    { order: taker({ side: "buy", price: 100n, size: 1n, tif: "day" as "gtc" }), error: matchingErrors.invalidOrder },
  ]) {
    const error = t.throws(() => matchOrder(book, bad.order));
    t.true(bad.error.is(error), error?.message);
  }
  t.true(
    matchingErrors.invalidMaxFills.is(
      t.throws(() => matchOrder(book, taker({ side: "buy", price: 100n, size: 1n }), { maxFills: 0 })),
    ),
  );
});
