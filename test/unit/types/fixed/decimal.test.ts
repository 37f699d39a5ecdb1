import test from "ava";
import fc from "fast-check";
import { assertProperty } from "../../../helpers/property.js";
import {
  DEC_MAX_RAW,
  DEC_ONE,
  decFromInt,
  decFromString,
  decToString,
  div,
  divTruncate,
  fixedErrors,
  mul,
  mulTruncate,
} from "../../../../chain/types/fixed/index.js";

const d = decFromString;
const ulp = 1n;

test("a decimal string parses to value·10^18 and formats back with all 18 places", (t) => {
  t.is(d("3001.5"), 3001n * DEC_ONE + DEC_ONE / 2n);
  t.is(d("-0.000000000000000001"), -1n);
  t.is(d("42"), 42n * DEC_ONE);
  t.is(decToString(d("3001.5")), "3001.500000000000000000");
  t.is(decToString(-1n), "-0.000000000000000001");
  t.is(decToString(0n), "0.000000000000000000");
  t.is(decToString(DEC_MAX_RAW), "57896044618658097711785492504343953926634992332820282019728.792003956564819967");
});

test("formatting then parsing returns every representable value unchanged", (t) => {
  assertProperty(
    t,
    fc.property(fc.bigInt({ min: -DEC_MAX_RAW, max: DEC_MAX_RAW }), (raw) => d(decToString(raw)) === raw),
  );
});

test("a string with more than 18 decimal places is rejected, never rounded", (t) => {
  const error = t.throws(() => d("0.0000000000000000001"));
  t.true(fixedErrors.tooManyDecimalPlaces.is(error));
});

test("garbage, signs, exponents, whitespace and bare points are malformed decimals", (t) => {
  for (const bad of ["", "abc", "+1", "1.", ".5", "1e5", " 1", "1 ", "1,5", "--1", "0x10", "1.2.3", "NaN", "-"]) {
    const error = t.throws(() => d(bad), undefined, bad);
    t.true(fixedErrors.malformedDecimal.is(error), bad);
  }
  t.true(fixedErrors.malformedDecimal.is(t.throws(() => d("1".repeat(101)))));
});

test("a string beyond the Dec range is an overflow", (t) => {
  t.true(
    fixedErrors.overflow.is(
      t.throws(() => d("57896044618658097711785492504343953926634992332820282019728.792003956564819968")),
    ),
  );
  t.is(d("-57896044618658097711785492504343953926634992332820282019728.792003956564819967"), -DEC_MAX_RAW);
});

test("decFromInt scales integers and rejects unsafe numbers", (t) => {
  t.is(decFromInt(7), 7n * DEC_ONE);
  t.is(decFromInt(-3n), -3n * DEC_ONE);
  t.true(fixedErrors.invalidArgument.is(t.throws(() => decFromInt(1.5))));
  t.true(fixedErrors.invalidArgument.is(t.throws(() => decFromInt(2 ** 60))));
});

test("mul and div round half to even; the truncating variants round toward zero", (t) => {
  // 0.000000000000000001 · 0.5 = 0.5e-18: a tie, rounds to the even 0.
  t.is(mul(1n, DEC_ONE / 2n), 0n);
  // 3e-18 · 0.5 = 1.5e-18: a tie, rounds to the even 2e-18.
  t.is(mul(3n, DEC_ONE / 2n), 2n);
  t.is(mul(-3n, DEC_ONE / 2n), -2n);
  t.is(mulTruncate(3n, DEC_ONE / 2n), 1n);
  t.is(mulTruncate(-3n, DEC_ONE / 2n), -1n);
  // 2/3 = 0.666…: half-even rounds up at the 18th place, truncation does not.
  t.is(div(d("2"), d("3")), d("0.666666666666666667"));
  t.is(divTruncate(d("2"), d("3")), d("0.666666666666666666"));
  t.is(div(d("-2"), d("3")), d("-0.666666666666666667"));
  t.is(div(d("1"), d("-8")), d("-0.125"));
  t.is(mul(d("3001.5"), d("2")), d("6003"));
});

test("mul and div are within half an ulp of the exact rational result", (t) => {
  const dec = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n });
  assertProperty(
    t,
    fc.property(dec, dec, (a, b) => {
      const exact = a * b; // value·10^36
      const error = mul(a, b) * DEC_ONE - exact;
      return 2n * (error < 0n ? -error : error) <= DEC_ONE;
    }),
  );
  assertProperty(
    t,
    fc.property(dec, dec, (a, b) => {
      fc.pre(b !== 0n);
      const error = div(a, b) * b - a * DEC_ONE; // (q − a/b)·b
      const bAbs = b < 0n ? -b : b;
      return 2n * (error < 0n ? -error : error) <= bAbs + ulp - 1n;
    }),
  );
});

test("division by zero is a typed error", (t) => {
  t.true(fixedErrors.divisionByZero.is(t.throws(() => div(DEC_ONE, 0n))));
  t.true(fixedErrors.divisionByZero.is(t.throws(() => divTruncate(DEC_ONE, 0n))));
});

test("a product beyond the Dec range is an overflow", (t) => {
  t.true(fixedErrors.overflow.is(t.throws(() => mul(DEC_MAX_RAW, d("2")))));
  t.true(fixedErrors.overflow.is(t.throws(() => div(DEC_MAX_RAW, d("0.5")))));
});
