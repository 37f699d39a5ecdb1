import test from "ava";
import fc from "fast-check";
import { assertProperty } from "../../../../helpers/property.js";
import { DEC_ONE, decFromString } from "../../../../../chain/types/fixed/index.js";
import type { OptionKind } from "../../../../../modules/options/pricing/index.js";
import { pricingErrors, shortOptionMargin } from "../../../../../modules/options/pricing/index.js";

const d = decFromString;
const params = { otmFactor: d("0.15"), minFactor: d("0.1") };

test("an in-the-money short call needs mark + 15% of spot (nothing out of the money to subtract)", (t) => {
  // 12 + max(15 − 0, 10)
  t.is(shortOptionMargin("call", d("100"), d("90"), d("12"), params), d("27"));
});

test("an out-of-the-money short call needs mark + 15% of spot less the out-of-the-money amount", (t) => {
  // 4 + max(15 − 2, 10)
  t.is(shortOptionMargin("call", d("100"), d("102"), d("4"), params), d("17"));
});

test("a far out-of-the-money short call is held at the floor of mark + 10% of spot", (t) => {
  // 2 + max(15 − 10, 10)
  t.is(shortOptionMargin("call", d("100"), d("110"), d("2"), params), d("12"));
});

test("an in-the-money short put needs mark + 15% of spot", (t) => {
  // 11 + max(15 − 0, 11)
  t.is(shortOptionMargin("put", d("100"), d("110"), d("11"), params), d("26"));
});

test("an out-of-the-money short put needs mark + 15% of spot less the out-of-the-money amount", (t) => {
  // 3 + max(15 − 3, 9.7)
  t.is(shortOptionMargin("put", d("100"), d("97"), d("3"), params), d("15"));
});

test("a put's floor is 10% of its strike, not of the spot", (t) => {
  // 1.5 + max(15 − 10, 9) and 0.1 + max(15 − 50, 5)
  t.is(shortOptionMargin("put", d("100"), d("90"), d("1.5"), params), d("10.5"));
  t.is(shortOptionMargin("put", d("100"), d("50"), d("0.1"), params), d("5.1"));
});

/** The formula in exact rationals at scale 1e36. */
function exactMargin(kind: OptionKind, spot: bigint, strike: bigint, mark: bigint): bigint {
  const outOfTheMoney = kind === "call" ? strike - spot : spot - strike;
  const standard = params.otmFactor * spot - (outOfTheMoney > 0n ? outOfTheMoney : 0n) * DEC_ONE;
  const floor = params.minFactor * (kind === "call" ? spot : strike);
  return mark * DEC_ONE + (standard > floor ? standard : floor);
}

test("the margin is the formula's exact value rounded up: never below it, less than 1e-18 above", (t) => {
  const price = fc.bigInt({ min: 1n, max: d("1000000") });
  assertProperty(
    t,
    fc.property(fc.constantFrom<OptionKind>("call", "put"), price, price, price, (kind, spot, strike, mark) => {
      const margin = shortOptionMargin(kind, spot, strike, mark, params) * DEC_ONE;
      const exact = exactMargin(kind, spot, strike, mark);
      return margin >= exact && margin - exact < DEC_ONE;
    }),
  );
  // 0.15 · 1e-17 = 1.5e-18 rounds up to 2e-18.
  t.is(shortOptionMargin("call", 10n, 10n, 0n, params), 2n);
});

test("invalid margin inputs are typed pricing errors", (t) => {
  const cases: [() => unknown, typeof pricingErrors.invalidSpot][] = [
    [() => shortOptionMargin("call", 0n, d("1"), 0n, params), pricingErrors.invalidSpot],
    [() => shortOptionMargin("call", d("1"), 0n, 0n, params), pricingErrors.invalidStrike],
    [() => shortOptionMargin("put", d("1"), d("1"), -1n, params), pricingErrors.invalidMarkPrice],
    [
      () => shortOptionMargin("put", d("1"), d("1"), 0n, { ...params, otmFactor: -1n }),
      pricingErrors.invalidMarginParams,
    ],
    [
      () => shortOptionMargin("put", d("1"), d("1"), 0n, { ...params, minFactor: DEC_ONE + 1n }),
      pricingErrors.invalidMarginParams,
    ],
  ];
  for (const [call, error] of cases) t.true(error.is(t.throws(call)));
});
