import test from "ava";
import fc from "fast-check";
import {
  createRoundRobinSelection,
  createValidatorSet,
  farRoundProposer,
  incrementProposerPriority,
  nextHeightValidatorSet,
  type ValidatorSet,
} from "../../../chain/consensus/proposer.js";
import { proposerAfterSteps } from "../../../chain/consensus/priorityWalk.js";
import type { Validator } from "../../../chain/types/block.js";
import { toHex } from "../../../chain/types/bytes.js";
import { assertProperty } from "../../helpers/property.js";

function address(seed: number, i: number): Uint8Array {
  return new Uint8Array([(seed * 31 + i * 97) % 256, i, 7]);
}

/** A genesis set with the given powers, advanced `heights` heights (what the driver holds). */
function setOf(powers: bigint[], heights: number, seed: number): ValidatorSet {
  let set = createValidatorSet(
    powers.map((p, i) => ({ address: address(seed, i), pubKey: new Uint8Array(32).fill(i), votingPower: p })),
  );
  for (let h = 0; h < heights; h++) set = nextHeightValidatorSet(set);
  return set;
}

/** The step-by-step walk: the set incremented `round` times in one call. */
function walked(set: Pick<ValidatorSet, "validators">, round: number): Validator {
  return incrementProposerPriority(set, round).proposer;
}

const powerSets = fc.oneof(
  fc.array(fc.bigInt({ min: 1n, max: 10n }), { minLength: 1, maxLength: 8 }),
  fc.array(fc.bigInt({ min: 1n, max: 1_000_000n }), { minLength: 1, maxLength: 8 }),
  fc.tuple(fc.bigInt({ min: 1n, max: 50n }), fc.integer({ min: 1, max: 8 })).map(([p, n]) => Array<bigint>(n).fill(p)),
  // Totals above 2^40 take the bigint walk instead of the float64 one.
  fc.array(fc.bigInt({ min: 2n ** 38n, max: 2n ** 45n }), { minLength: 2, maxLength: 6 }),
);

test("a far round's proposer is exactly the one the step-by-step walk names (sets reached from genesis)", (t) => {
  assertProperty(
    t,
    fc.property(
      powerSets,
      fc.nat({ max: 40 }),
      fc.nat({ max: 255 }),
      fc.array(fc.integer({ min: 1, max: 3_000 }), { minLength: 1, maxLength: 4 }),
      (powers, heights, seed, rounds) => {
        const set = setOf(powers, heights, seed);
        for (const r of rounds) {
          const got = farRoundProposer(set, r)!;
          const want = walked(set, r);
          if (toHex(got.address) !== toHex(want.address) || got.proposerPriority !== want.proposerPriority)
            return false;
        }
        return true;
      },
    ),
    { numRuns: 200 },
  );
});

test("every step from a hand-made start (priorities anywhere, several periods) matches the walk", (t) => {
  assertProperty(
    t,
    fc.property(
      fc.array(fc.tuple(fc.bigInt({ min: 1n, max: 12n }), fc.bigInt({ min: -200n, max: 200n })), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.nat({ max: 255 }),
      fc.array(fc.integer({ min: 1, max: 2_500 }), { minLength: 1, maxLength: 4 }),
      (entries, seed, steps) => {
        // Canonical order (power descending, then address); priorities arbitrary, as if loaded.
        const validators: Validator[] = entries
          .map(([p, prio], i) => ({
            address: address(seed, i),
            pubKey: new Uint8Array(32).fill(i),
            votingPower: p,
            proposerPriority: prio,
          }))
          .sort((a, b) => (a.votingPower === b.votingPower ? 0 : a.votingPower > b.votingPower ? -1 : 1));
        // The selection rescales and centres these first, as incrementProposerPriority does.
        for (const r of steps) {
          const got = farRoundProposer({ validators }, r)!;
          const want = walked({ validators }, r);
          if (toHex(got.address) !== toHex(want.address) || got.proposerPriority !== want.proposerPriority)
            return false;
        }
        return true;
      },
    ),
    { numRuns: 300 },
  );
});

test("round 2^31-1 is answered in milliseconds, and agrees with the walk one period later", (t) => {
  const last = 2 ** 31 - 1;
  for (const powers of [
    [10n, 10n, 10n, 10n],
    [10n, 3n, 1n],
    [1_000_000_000n, 7n, 123_456n, 5n, 5n],
    [2n ** 40n, 3n],
    [997n, 991n, 983n, 977n, 971n, 967n, 953n],
  ]) {
    const set = setOf(powers, 7, powers.length);
    const begin = process.hrtime.bigint();
    const got = createRoundRobinSelection(set).proposer(last);
    const ms = Number(process.hrtime.bigint() - begin) / 1e6;
    t.true(ms < 1_000, `powers ${powers.join(",")}: round 2^31-1 took ${ms.toFixed(1)} ms`);
    // Sets reached from genesis repeat every T/gcd steps; check the answer against the walk where it is walkable.
    const total = powers.reduce((a, b) => a + b, 0n);
    const g = powers.reduce((a, b) => {
      while (b !== 0n) [a, b] = [b, a % b];
      return a;
    });
    const period = total / g;
    if (period <= 20_000n) {
      const reduced = Number((BigInt(last) - 1n) % period) + 1;
      t.is(toHex(got.address), toHex(walked(set, reduced).address), `powers ${powers.join(",")}`);
      t.is(toHex(got.address), toHex(walked(set, reduced + Number(period)).address));
    }
  }
});

test("the selection jumps to a far round and still walks the near ones: both agree with the walk", (t) => {
  const set = setOf([1_000_003n, 999_999n, 1_000_001n, 999_997n], 3, 9);
  const selection = createRoundRobinSelection(set);
  const far = 40_000;
  const begin = process.hrtime.bigint();
  const got = selection.proposer(far);
  const ms = Number(process.hrtime.bigint() - begin) / 1e6;
  t.is(toHex(got.address), toHex(walked(set, far).address));
  for (const r of [1, 2, 3, 100]) t.is(toHex(selection.proposer(r).address), toHex(walked(set, r).address));
  t.true(ms < 1_000, `round ${far} took ${ms} ms`);
});

test("proposerAfterSteps refuses step 0 and leaves totals beyond CometBFT's bound to the walk", (t) => {
  const start = { powers: [1n, 1n], priorities: [0n, 0n], addresses: [address(0, 0), address(0, 1)] };
  t.throws(() => proposerAfterSteps(start, 0n), { instanceOf: RangeError });
  t.is(proposerAfterSteps({ ...start, powers: [2n ** 62n, 1n] }, 5n), undefined);
});
