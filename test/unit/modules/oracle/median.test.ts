import test from "ava";
import fc from "fast-check";
import { decFromInt, decFromString } from "../../../../chain/types/fixed/index.js";
import { weightedMedian, type WeightedVote } from "../../../../modules/oracle/index.js";
import { assertProperty } from "../../../helpers/property.js";

const vote = (feeder: string, price: string, weight: bigint): WeightedVote => ({
  feeder,
  price: decFromString(price),
  weight,
});

test("with uneven weights the median is the price where half of the weight is reached", (t) => {
  // Cumulative weights by price: 1, 2, 5 of 5: the heavy voter decides.
  t.is(weightedMedian([vote("a", "100", 1n), vote("b", "200", 1n), vote("c", "300", 3n)]), decFromString("300"));
  // 3, 4, 5 of 5: the heavy low voter decides.
  t.is(weightedMedian([vote("a", "100", 3n), vote("b", "200", 1n), vote("c", "300", 1n)]), decFromString("100"));
});

test("an exact 50% split takes the lower price (the lower weighted median)", (t) => {
  t.is(weightedMedian([vote("b", "3001", 1n), vote("a", "3000", 1n)]), decFromString("3000"));
  t.is(weightedMedian([vote("a", "10", 2n), vote("b", "20", 1n), vote("c", "30", 1n)]), decFromString("10"));
});

test("tied prices count together, whatever the feeder order", (t) => {
  const votes = [vote("c", "3000", 1n), vote("a", "3000", 1n), vote("b", "3100", 1n)];
  t.is(weightedMedian(votes), decFromString("3000"));
  t.is(weightedMedian([...votes].reverse()), decFromString("3000"));
});

test("zero-weight votes are ignored and no weight gives no median", (t) => {
  t.is(weightedMedian([vote("a", "1", 0n), vote("b", "5", 1n)]), decFromString("5"));
  t.is(weightedMedian([vote("a", "1", 0n)]), undefined);
  t.is(weightedMedian([]), undefined);
});

test("the median has at least half of the weight at or below it and at or above it, in any input order", (t) => {
  const votes = fc.array(
    fc.record({
      feeder: fc.constantFrom("a", "b", "c", "d", "e"),
      price: fc.integer({ min: 1, max: 50 }).map((n) => decFromInt(n)),
      weight: fc.bigInt({ min: 1n, max: 100n }),
    }),
    { minLength: 1, maxLength: 12 },
  );
  assertProperty(
    t,
    fc.property(votes, fc.integer(), (vs, shift) => {
      const m = weightedMedian(vs)!;
      const total = vs.reduce((s, v) => s + v.weight, 0n);
      const atOrBelow = vs.filter((v) => v.price <= m).reduce((s, v) => s + v.weight, 0n);
      const atOrAbove = vs.filter((v) => v.price >= m).reduce((s, v) => s + v.weight, 0n);
      const k = vs.length === 0 ? 0 : Math.abs(shift) % vs.length;
      const rotated = [...vs.slice(k), ...vs.slice(0, k)];
      return 2n * atOrBelow >= total && 2n * atOrAbove >= total && weightedMedian(rotated) === m;
    }),
  );
});
