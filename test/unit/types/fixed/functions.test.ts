import test from "ava";
import fc from "fast-check";
import { assertProperty } from "../../../helpers/property.js";
import type { Dec } from "../../../../chain/types/fixed/index.js";
import {
  DEC_MAX_RAW,
  DEC_ONE,
  decFromString,
  exp,
  fixedErrors,
  ln,
  mul,
  pow,
  sqrt,
} from "../../../../chain/types/fixed/index.js";
import { expReferences, lnReferences, powReferences, sqrtReferences } from "./references.js";

const d = decFromString;

function distance(a: Dec, b: Dec): bigint {
  return a > b ? a - b : b - a;
}

test("exp is within 1e-18 of the reference from tiny arguments to 135.25", (t) => {
  for (const [x, expected] of expReferences) {
    t.true(distance(exp(d(x)), d(expected)) <= 1n, `exp(${x})`);
  }
});

test("exp rounds to 0 far below zero and overflows above ~135.30", (t) => {
  t.is(exp(d("-43")), 0n);
  t.is(exp(d("-1000000")), 0n);
  t.is(exp(0n), DEC_ONE);
  t.true(fixedErrors.overflow.is(t.throws(() => exp(d("135.31")))));
  t.true(fixedErrors.overflow.is(t.throws(() => exp(d("1000000")))));
});

test("ln is within 1e-18 of the reference from 1e-18 to the largest Dec", (t) => {
  for (const [x, expected] of lnReferences) {
    t.true(distance(ln(d(x)), d(expected)) <= 1n, `ln(${x})`);
  }
  t.is(ln(DEC_ONE), 0n);
});

test("ln of zero or a negative number is a typed error", (t) => {
  t.true(fixedErrors.nonPositiveLog.is(t.throws(() => ln(0n))));
  t.true(fixedErrors.nonPositiveLog.is(t.throws(() => ln(-DEC_ONE))));
});

test("sqrt is the correctly rounded square root of the reference points", (t) => {
  for (const [x, expected] of sqrtReferences) {
    t.is(sqrt(d(x)), d(expected), `sqrt(${x})`);
  }
  t.is(sqrt(0n), 0n);
});

test("sqrt of a negative number is a typed error", (t) => {
  t.true(fixedErrors.negativeSqrt.is(t.throws(() => sqrt(-1n))));
});

test("pow matches the reference for positive, negative, odd and even integer exponents", (t) => {
  for (const [x, n, expected] of powReferences) {
    t.true(distance(pow(d(x), n), d(expected)) <= 1n, `pow(${x}, ${n})`);
  }
  t.is(pow(d("2"), 10n), d("1024"));
  t.is(pow(d("-2"), 3), d("-8"));
  t.is(pow(d("7.25"), 0), DEC_ONE);
  t.is(pow(0n, 0), DEC_ONE);
  t.is(pow(0n, 5), 0n);
  t.is(pow(d("3001.5"), 1), d("3001.5"));
});

test("pow rejects 0 to a negative power, results beyond the range and non-integer exponents", (t) => {
  t.true(fixedErrors.divisionByZero.is(t.throws(() => pow(0n, -1))));
  t.true(fixedErrors.overflow.is(t.throws(() => pow(d("10"), 59))));
  t.true(fixedErrors.overflow.is(t.throws(() => pow(d("2"), 10n ** 30n))));
  t.true(fixedErrors.overflow.is(t.throws(() => pow(d("0.000000001"), -7))));
  t.true(fixedErrors.invalidArgument.is(t.throws(() => pow(d("2"), 0.5))));
});

test("pow of a number below one to a huge exponent underflows to 0 without looping long", (t) => {
  t.is(pow(d("0.9"), 10n ** 40n), 0n);
  t.is(pow(DEC_ONE, 10n ** 40n), DEC_ONE);
});

const positive = fc.bigInt({ min: 1n, max: DEC_MAX_RAW });
const moderate = fc.bigInt({ min: -40n * DEC_ONE, max: 40n * DEC_ONE });

test("exp(ln x) returns x within its sensitivity: |e^ln(x) − x| ≤ x·1e-18 + 2e-18", (t) => {
  assertProperty(
    t,
    fc.property(fc.bigInt({ min: 1n, max: 10n ** 58n }), (x) => {
      // ln(x) is rounded by ≤ 1e-18, which e^· turns into a relative error of ~1e-18.
      return distance(exp(ln(x)), x) <= x / DEC_ONE + 2n;
    }),
  );
});

test("ln(exp x) returns x within its sensitivity: 1e-18 plus the rounding of e^x relative to e^x", (t) => {
  assertProperty(
    t,
    fc.property(moderate, (x) => {
      const y = exp(x);
      // e^x is rounded by ≤ 0.5e-18, which ln turns into an error of 0.5e-18/e^x.
      return distance(ln(y), x) <= 2n + DEC_ONE / y;
    }),
  );
});

test("sqrt(x) is the integer nearest √(x·1e18): sqrt(x)² brackets x", (t) => {
  assertProperty(
    t,
    fc.property(fc.bigInt({ min: 0n, max: DEC_MAX_RAW }), (x) => {
      const r = sqrt(x);
      const n = x * DEC_ONE;
      // (r − ½)² ≤ n ≤ (r + ½)², multiplied by 4 to stay in integers.
      return (r === 0n || (2n * r - 1n) ** 2n <= 4n * n) && 4n * n <= (2n * r + 1n) ** 2n;
    }),
  );
  assertProperty(
    t,
    fc.property(positive, (x) => distance(mul(sqrt(x), sqrt(x)), x) <= 2n * sqrt(x) + 1n),
  );
});

test("pow with an integer exponent agrees with repeated multiplication", (t) => {
  assertProperty(
    t,
    fc.property(fc.bigInt({ min: -3n * DEC_ONE, max: 3n * DEC_ONE }), fc.integer({ min: 0, max: 12 }), (x, n) => {
      let exact = DEC_ONE;
      let scale = 1n;
      for (let i = 0; i < n; i++) {
        exact *= x;
        scale *= DEC_ONE;
      }
      // exact/scale is x^n·1e18 exactly; pow is within 1e-18 of it.
      const error = pow(x, n) * scale - exact;
      return 2n * (error < 0n ? -error : error) <= 2n * scale;
    }),
  );
});
