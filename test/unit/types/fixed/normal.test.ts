import test from "ava";
import fc from "fast-check";
import { assertProperty } from "../../../helpers/property.js";
import type { Dec } from "../../../../chain/types/fixed/index.js";
import { DEC_ONE, decFromString, normCdf, normPdf } from "../../../../chain/types/fixed/index.js";
import { normCdfReferences, normPdfReferences } from "./references.js";

const d = decFromString;

function distance(a: Dec, b: Dec): bigint {
  return a > b ? a - b : b - a;
}

test("normCdf is within 1e-18 of the reference at the center, the body and both tails", (t) => {
  for (const [x, expected] of normCdfReferences) {
    t.true(distance(normCdf(d(x)), d(expected)) <= 1n, `normCdf(${x})`);
  }
});

test("normCdf saturates exactly to 0 and 1 beyond ±10", (t) => {
  t.is(normCdf(d("10")), DEC_ONE);
  t.is(normCdf(d("-10")), 0n);
  t.is(normCdf(d("1000000")), DEC_ONE);
  t.is(normCdf(d("-1000000")), 0n);
});

test("normPdf is within 1e-18 of the reference and vanishes in the tails", (t) => {
  for (const [x, expected] of normPdfReferences) {
    t.true(distance(normPdf(d(x)), d(expected)) <= 1n, `normPdf(${x})`);
  }
  t.is(normPdf(d("1000000")), 0n);
});

const argument = fc.bigInt({ min: -12n * DEC_ONE, max: 12n * DEC_ONE });

test("normCdf(x) + normCdf(−x) = 1 within 2e-18", (t) => {
  assertProperty(
    t,
    fc.property(argument, (x) => distance(normCdf(x) + normCdf(-x), DEC_ONE) <= 2n),
  );
});

test("normCdf is non-decreasing and stays within [0, 1]", (t) => {
  assertProperty(
    t,
    fc.property(argument, argument, (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const low = normCdf(lo);
      const high = normCdf(hi);
      return low <= high && low >= 0n && high <= DEC_ONE;
    }),
  );
});

test("normPdf is symmetric: normPdf(x) = normPdf(−x)", (t) => {
  assertProperty(
    t,
    fc.property(argument, (x) => normPdf(x) === normPdf(-x)),
  );
});
