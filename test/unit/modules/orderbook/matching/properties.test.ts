import { deepStrictEqual } from "node:assert/strict";
import test from "ava";
import fc from "fast-check";
import { MemoryBook, matchOrder } from "../../../../../modules/orderbook/matching/index.js";
import type { MatchPlan, Side, TakerOrder } from "../../../../../modules/orderbook/matching/index.js";
import { assertProperty } from "../../../../helpers/property.js";
import { everything, viewOf } from "./fixtures.js";
import { ReferenceBook, referenceMatch } from "./referenceBook.js";

interface Place {
  readonly kind: "place";
  readonly order: Omit<TakerOrder, "id" | "price"> & { readonly offset: number };
}
interface Cancel {
  readonly kind: "cancel";
  readonly pick: number;
}
type Operation = Place | Cancel;

const place: fc.Arbitrary<Operation> = fc.record({
  kind: fc.constant("place" as const),
  order: fc.record({
    owner: fc.constantFrom("alice", "bob", "carol"),
    side: fc.constantFrom<Side>("buy", "sell"),
    // Clustered around one price so that the sides meet often.
    offset: fc.integer({ min: -4, max: 4 }),
    size: fc.bigInt({ min: 1n, max: 12n }),
    tif: fc.constantFrom("gtc", "gtc", "ioc", "fok", "post_only"),
    stp: fc.constantFrom("expire_maker", "expire_taker", "expire_both"),
  }),
});
const cancel: fc.Arbitrary<Operation> = fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() });

const scenario = fc.record({
  operations: fc.array(fc.oneof({ arbitrary: place, weight: 3 }, { arbitrary: cancel, weight: 1 }), {
    maxLength: 150,
    size: "max",
  }),
  // Prices and ids past 2^53 take the bigint paths of MemoryBook's indexes.
  basePrice: fc.constantFrom(100n, 2n ** 70n),
  firstId: fc.constantFrom(1n, 2n ** 60n),
  maxFills: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
});

/** Sizes are conserved and every fill is a legal trade. */
function checkPlan(order: TakerOrder, plan: MatchPlan): void {
  deepStrictEqual(plan.filled + plan.remaining, order.size);
  deepStrictEqual(
    plan.fills.reduce((sum, f) => sum + f.size, 0n),
    plan.filled,
  );
  for (const fill of plan.fills) {
    deepStrictEqual(fill.price, fill.maker.price);
    deepStrictEqual(fill.makerRemaining, fill.maker.remaining - fill.size);
    deepStrictEqual(fill.size > 0n && fill.makerRemaining >= 0n, true);
    deepStrictEqual(fill.maker.owner !== order.owner, true);
    deepStrictEqual(order.side === "buy" ? fill.price <= order.price : fill.price >= order.price, true);
  }
  for (const expired of plan.expired) deepStrictEqual(expired.owner, order.owner);
  deepStrictEqual(plan.rest !== undefined, plan.outcome === "rests");
}

test("MemoryBook with matchOrder behaves like the reference book on any stream of placements and cancels", (t) => {
  assertProperty(
    t,
    fc.property(scenario, ({ operations, basePrice, firstId, maxFills }) => {
      const book = new MemoryBook();
      const reference = new ReferenceBook();
      const options = maxFills === undefined ? undefined : { maxFills };
      let nextId = firstId;
      for (const op of operations) {
        if (op.kind === "cancel") {
          const id = firstId + BigInt(op.pick % Math.max(1, Number(nextId - firstId)));
          deepStrictEqual(book.remove(id), reference.remove(id));
        } else {
          const { offset, ...fields } = op.order;
          const order: TakerOrder = { ...fields, id: nextId++, price: basePrice + BigInt(offset) };
          const before = everything(book);
          const plan = matchOrder(book, order, options);
          deepStrictEqual(everything(book), before, "matchOrder does not change the book");
          deepStrictEqual(plan, referenceMatch(reference, order, maxFills));
          deepStrictEqual(matchOrder(viewOf(book), order, options), plan, "the BookView path agrees");
          deepStrictEqual(matchOrder(reference, order, options), plan, "matchOrder on the reference agrees");
          checkPlan(order, plan);
          // Matching again leaves the first plan without the walk it came from: apply then
          // looks every maker up instead of trusting the walk. Both ways must agree.
          if (order.id % 2n === 1n) deepStrictEqual(matchOrder(book, order, options), plan);
          book.apply(plan);
          reference.apply(plan);
        }
        deepStrictEqual([...book.resting("buy")], reference.resting("buy"));
        deepStrictEqual([...book.resting("sell")], reference.resting("sell"));
        deepStrictEqual(book.size, reference.size);
        deepStrictEqual(book.depth("buy", 3), reference.depth("buy", 3));
        deepStrictEqual(book.depth("sell", 3), reference.depth("sell", 3));
        const bestBid = book.bestBid();
        const bestAsk = book.bestAsk();
        deepStrictEqual([bestBid, bestAsk], [reference.best("buy"), reference.best("sell")]);
        deepStrictEqual(bestBid === undefined || bestAsk === undefined || bestBid < bestAsk, true, "never crossed");
      }
    }),
    { numRuns: 150 },
  );
});

test("a maker's remaining size only ever decreases, by exactly the sizes it was filled", (t) => {
  assertProperty(
    t,
    fc.property(scenario, ({ operations, basePrice, firstId }) => {
      const book = new MemoryBook();
      // What each order on the book has left, as followed from the plans alone.
      const left = new Map<bigint, bigint>();
      let nextId = firstId;
      for (const op of operations) {
        if (op.kind === "cancel") {
          const id = firstId + BigInt(op.pick % Math.max(1, Number(nextId - firstId)));
          deepStrictEqual(book.remove(id)?.remaining, left.get(id));
          left.delete(id);
          continue;
        }
        const { offset, ...fields } = op.order;
        const plan = book.execute({ ...fields, id: nextId++, price: basePrice + BigInt(offset) });
        for (const fill of plan.fills) {
          deepStrictEqual(fill.maker.remaining, left.get(fill.maker.id));
          if (fill.makerRemaining === 0n) left.delete(fill.maker.id);
          else left.set(fill.maker.id, fill.makerRemaining);
        }
        for (const order of plan.expired) {
          deepStrictEqual(order.remaining, left.get(order.id));
          left.delete(order.id);
        }
        if (plan.rest !== undefined) left.set(plan.rest.id, plan.rest.remaining);
      }
      deepStrictEqual(book.size, left.size);
      for (const [id, remaining] of left) deepStrictEqual(book.get(id)?.remaining, remaining);
    }),
    { numRuns: 150 },
  );
});
