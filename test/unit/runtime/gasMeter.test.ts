/**
 * The gas meter keeps its total as a number while it is a safe integer and as a bigint past
 * that: against a meter that only ever adds bigints, every sequence of charges gives the same
 * totals, runs out at the same charge, and says so with the same message (gas used and the
 * message land in tx results).
 */
import test from "ava";
import fc from "fast-check";
import { createGasMeter } from "../../../chain/runtime/gas.js";
import { sdkErrors } from "../../../chain/types/errors.js";

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The meter as it was: bigint all the way. */
function referenceMeter(limit: bigint | undefined) {
  let consumed = 0n;
  return {
    get consumed() {
      return consumed;
    },
    consume(amount: bigint, descriptor: string) {
      consumed += amount;
      if (limit !== undefined && consumed > limit)
        throw sdkErrors.outOfGas(`out of gas in location: ${descriptor}; gasWanted: ${limit}, gasUsed: ${consumed}`);
    },
  };
}

type Charge = { n: number } | { big: bigint };

const charge: fc.Arbitrary<Charge> = fc.oneof(
  fc.nat({ max: 5_000 }).map((n) => ({ n })),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map((n) => ({ n })),
  fc.bigInt({ min: 0n, max: 1_000_000n }).map((big) => ({ big })),
  fc.bigInt({ min: SAFE - 10n, max: SAFE + 10n }).map((big) => ({ big })),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((big) => ({ big })),
);

const limit = fc.oneof(
  fc.constant(undefined),
  fc.bigInt({ min: 0n, max: 100_000n }),
  fc.bigInt({ min: SAFE - 5n, max: SAFE + 5n }),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
);

test("number-backed totals equal bigint totals, run out at the same charge and say the same", (t) => {
  fc.assert(
    fc.property(limit, fc.array(charge, { maxLength: 30 }), (lim, charges) => {
      const meter = createGasMeter(lim);
      const ref = referenceMeter(lim);
      for (const [i, c] of charges.entries()) {
        const amount = "n" in c ? BigInt(c.n) : c.big;
        let want: string | undefined;
        let got: string | undefined;
        try {
          ref.consume(amount, `step ${i}`);
        } catch (e) {
          want = (e as Error).message;
        }
        try {
          if ("n" in c) meter.consumeN(c.n, `step ${i}`);
          else meter.consume(c.big, `step ${i}`);
        } catch (e) {
          got = (e as Error).message;
        }
        t.is(got, want);
        t.is(meter.consumed, ref.consumed);
        if (want !== undefined) return;
      }
    }),
    { numRuns: 3_000 },
  );
});

test("out of gas is sdk code 11", (t) => {
  const meter = createGasMeter(10n);
  meter.consumeN(10, "a");
  const e = t.throws(() => meter.consumeN(1, "b"));
  t.is((e as { code?: number }).code, 11);
  t.is(meter.consumed, 11n);
});
