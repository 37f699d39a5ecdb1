import test from "ava";
import fc from "fast-check";
import {
  createRoundRobinSelection,
  createValidatorSet,
  incrementProposerPriority,
  nextHeightValidatorSet,
  type ValidatorSet,
} from "../../../chain/consensus/proposer.js";
import { toHex } from "../../../chain/types/bytes.js";
import { assertProperty } from "../../helpers/property.js";

/** Validators with distinct addresses and the given powers; `heights` advances the set's priorities. */
function setOf(powers: bigint[], heights: number, addressSeed: number): ValidatorSet {
  let set = createValidatorSet(
    powers.map((p, i) => ({
      address: new Uint8Array([(addressSeed * 31 + i * 97) % 256, i, 7]),
      pubKey: new Uint8Array(32).fill(i),
      votingPower: p,
    })),
  );
  for (let h = 0; h < heights; h++) set = nextHeightValidatorSet(set);
  return set;
}

/** What every round's proposer was before: the set incremented `round` times in one call. */
function iterativeProposer(set: ValidatorSet, round: number): string {
  return toHex(round === 0 ? set.proposer.address : incrementProposerPriority(set, round).proposer.address);
}

test("the walking selection names the same proposer as the old per-round computation, for every round of many sets", (t) => {
  assertProperty(
    t,
    fc.property(
      fc.array(fc.bigInt({ min: 1n, max: 1_000_000n }), { minLength: 1, maxLength: 8 }),
      fc.nat({ max: 40 }),
      fc.nat({ max: 255 }),
      (powers, heights, seed) => {
        const set = setOf(powers, heights, seed);
        const sel = createRoundRobinSelection(set);
        // Walk forward, then ask again out of order: the cache and the walk must agree with the old loop.
        for (let r = 0; r <= 60; r++) if (toHex(sel.proposer(r).address) !== iterativeProposer(set, r)) return false;
        for (const r of [59, 3, 0, 17, 60, 1])
          if (toHex(sel.proposer(r).address) !== iterativeProposer(set, r)) return false;
        return true;
      },
    ),
    { numRuns: 150 },
  );
});

test("far rounds asked first agree with the old computation (small and large voting powers)", (t) => {
  for (const powers of [
    [1n, 1n, 1n, 1n],
    [10n, 3n, 1n],
    [1_000_000_000n, 7n, 123_456n, 5n, 5n],
    [2n ** 40n, 3n],
  ]) {
    for (const heights of [0, 5, 33]) {
      const set = setOf(powers, heights, heights + powers.length);
      const sel = createRoundRobinSelection(set);
      for (const r of [2500, 1, 1999, 2501, 4000]) {
        t.is(toHex(sel.proposer(r).address), iterativeProposer(set, r), `powers ${powers.join(",")} round ${r}`);
      }
    }
  }
});

test("asking for a round the selection already walked past costs nothing more (no re-walk from round 0)", (t) => {
  const set = setOf([5n, 9n, 11n, 2n], 3, 1);
  const sel = createRoundRobinSelection(set);
  sel.proposer(20_000);
  const start = process.hrtime.bigint();
  for (let i = 0; i < 10_000; i++) sel.proposer(i);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  t.true(ms < 200, `10,000 cached lookups took ${ms} ms`);
});

test("a negative or non-integer round is refused rather than computed", (t) => {
  const sel = createRoundRobinSelection(setOf([1n, 2n], 0, 0));
  t.throws(() => sel.proposer(-1), { instanceOf: RangeError });
  t.throws(() => sel.proposer(1.5), { instanceOf: RangeError });
});
