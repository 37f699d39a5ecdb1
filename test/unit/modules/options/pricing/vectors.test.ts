import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dec } from "../../../../../chain/types/fixed/index.js";
import { decFromString } from "../../../../../chain/types/fixed/index.js";
import type { BlackScholesInput, Greeks, OptionKind } from "../../../../../modules/options/pricing/index.js";
import { blackScholes, blackScholesPrice } from "../../../../../modules/options/pricing/index.js";

/**
 * The precision contract of blackScholes, checked against mpmath (test/vectors/options/
 * generate.py): every output is within one unit of the 18th place plus 1e-19 of its own
 * magnitude, and correctly rounded wherever |value| < 100,000 (measured: ≤ 0.49996 ulp). The
 * relative part (measured ≤ 2.4e-20) shows only on huge values: γ ≈ 5e6 at T = 1e-18, θ ≈
 * −1.6e10 there, and the 1.6e45 price at r = −100%, T = 100 years.
 */

type GreekName = keyof Greeks;
const GREEKS: readonly GreekName[] = ["price", "delta", "gamma", "vega", "theta"];

interface VectorCase {
  group: string;
  spot: string;
  strike: string;
  timeToExpiry: string;
  volatility: string;
  rate: string;
  call: Record<GreekName, string>;
  put: Record<GreekName, string>;
}

const vectors = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../../../vectors/options/black-scholes.json"), "utf8"),
) as { cases: VectorCase[] };

const REFERENCE_PLACES = 24;
const DEC_TO_REFERENCE = 10n ** BigInt(REFERENCE_PLACES - 18);
const ULP = DEC_TO_REFERENCE; // 1e-18 at the reference's scale
const RELATIVE = 10n ** 19n; // 1e-19

/** A reference value as an integer scaled by 10^24 (the generator rounds to 24 places). */
function reference(s: string): bigint {
  const negative = s.startsWith("-");
  const [whole = "0", fraction = ""] = (negative ? s.slice(1) : s).split(".");
  const magnitude = BigInt(whole) * 10n ** BigInt(REFERENCE_PLACES) + BigInt(fraction.padEnd(REFERENCE_PLACES, "0"));
  return negative ? -magnitude : magnitude;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function inputOf(c: VectorCase, kind: OptionKind): BlackScholesInput {
  return {
    kind,
    spot: decFromString(c.spot),
    strike: decFromString(c.strike),
    timeToExpiry: decFromString(c.timeToExpiry),
    volatility: decFromString(c.volatility),
    rate: decFromString(c.rate),
  };
}

/** |actual − expected| allowed, at the reference's scale. */
type Bound = (expected: bigint) => bigint;
const contract: Bound = (expected) => ULP + abs(expected) / RELATIVE;

/** The outputs that miss `bound`, described for the failure message. */
function misses(cases: readonly VectorCase[], bound: Bound): string[] {
  const failures: string[] = [];
  for (const c of cases) {
    for (const kind of ["call", "put"] as const) {
      const greeks = blackScholes(inputOf(c, kind));
      for (const name of GREEKS) {
        const expected = reference(c[kind][name]);
        const actual: Dec = greeks[name];
        const error = abs(actual * DEC_TO_REFERENCE - expected);
        if (error > bound(expected)) {
          failures.push(`${kind} S=${c.spot} K=${c.strike} T=${c.timeToExpiry} σ=${c.volatility} r=${c.rate}: ${name}`);
        }
      }
    }
  }
  return failures;
}

const groups: readonly [string, string][] = [
  ["grid", "spot 0.01…100,000 × strike/spot 0.2…5 × 1 hour…2 years × volatility 5%…300%"],
  ["rate", "a positive and a negative rate"],
  ["expiry", "at expiry, in, at and out of the money"],
  ["zero-vol", "zero volatility, discounted forward payoff"],
  ["tiny-vol", "a volatility of 1e-9, where Φ saturates except within a few σ√T of the strike"],
  ["tiny-expiry", "one second and 1e-18 years to expiry"],
  ["deep", "strike/spot 0.001…1000, saturated and not"],
  ["extreme", "σ = 100 and T = 100 years with rates of ±100%"],
];

for (const [group, what] of groups) {
  test(`price and greeks are within 1e-18 + 1e-19 relative of mpmath: ${what}`, (t) => {
    t.true(
      vectors.cases.some((c) => c.group === group),
      `no vectors in group ${group}`,
    );
    t.deepEqual(
      misses(
        vectors.cases.filter((c) => c.group === group),
        contract,
      ),
      [],
    );
  });
}

test("every output below 100,000 in magnitude is correctly rounded (within half a unit of the 18th place)", (t) => {
  const LARGE = 100_000n * 10n ** BigInt(REFERENCE_PLACES);
  t.deepEqual(
    misses(vectors.cases, (expected) => (abs(expected) < LARGE ? ULP / 2n : contract(expected))),
    [],
  );
});

test("every vector group is checked by a test", (t) => {
  const known = new Set(groups.map(([group]) => group));
  t.deepEqual(
    [...new Set(vectors.cases.map((c) => c.group))].filter((group) => !known.has(group)),
    [],
  );
});

test("blackScholesPrice gives exactly the price of blackScholes on every vector", (t) => {
  const different = vectors.cases.flatMap((c) =>
    (["call", "put"] as const).filter(
      (kind) => blackScholesPrice(inputOf(c, kind)) !== blackScholes(inputOf(c, kind)).price,
    ),
  );
  t.deepEqual(different, []);
});
