import test from "ava";
import fc from "fast-check";
import { assertProperty } from "../../helpers/property.js";
import { runSimulation } from "./sim.js";

test("a single validator decides every height", (t) => {
  const r = runSimulation({
    powers: [10n],
    byzantine: [],
    seed: 1,
    asyncSteps: 0,
    maxSteps: 10_000,
    targetHeight: 20n,
    duplicateProbability: 0,
  });
  t.true(r.reachedTarget);
  t.true(r.decisions[0]!.size >= 20);
  t.is(r.maxRound, 0, "no round is ever lost with one validator");
});

test("four honest validators decide every height in round 0 on a synchronous network", (t) => {
  const r = runSimulation({
    powers: [1n, 1n, 1n, 1n],
    byzantine: [],
    seed: 2,
    asyncSteps: 0,
    maxSteps: 100_000,
    targetHeight: 10n,
    duplicateProbability: 0,
  });
  t.true(r.reachedTarget);
  t.deepEqual(r.conflicts, []);
  t.is(r.maxRound, 0);
});

test("with delayed, reordered and duplicated messages and one equivocating validator, no two honest validators decide differently, and all decide after the network heals", (t) => {
  assertProperty(
    t,
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 3 }), (seed, byz) => {
      const r = runSimulation({
        powers: [1n, 1n, 1n, 1n],
        byzantine: [byz],
        seed,
        asyncSteps: 3000,
        maxSteps: 200_000,
        targetHeight: 4n,
        duplicateProbability: 0.1,
      });
      return r.conflicts.length === 0 && r.reachedTarget;
    }),
    { numRuns: 40 },
  );
});

test("unequal voting power: safety and liveness hold with the largest minority validator byzantine", (t) => {
  assertProperty(
    t,
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
      // 10 + 10 + 10 + 5 + 4: the byzantine one (9 of 39... here 4) stays below one third.
      const r = runSimulation({
        powers: [10n, 10n, 10n, 5n, 4n],
        byzantine: [3],
        seed,
        asyncSteps: 3000,
        maxSteps: 200_000,
        targetHeight: 3n,
        duplicateProbability: 0.1,
      });
      return r.conflicts.length === 0 && r.reachedTarget;
    }),
    { numRuns: 20 },
  );
});
