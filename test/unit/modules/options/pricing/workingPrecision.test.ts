import test from "ava";
import fc from "fast-check";
import { assertProperty } from "../../../../helpers/property.js";
import { DEC_ONE, decFromString, exp, ln, normCdf, normPdf } from "../../../../../chain/types/fixed/index.js";
import { normalCdf, normalCdfAndPdf } from "../../../../../modules/options/pricing/normal.js";
import {
  decToWork,
  expWork,
  integerSqrt,
  lnRatio,
  workToDec,
} from "../../../../../modules/options/pricing/workingPrecision.js";

// The pricing's own Φ, φ, ln and exp run in 96-bit binary fixed point; chain/types/fixed's are
// correctly rounded Decs. Rounded to a Dec, the two must agree to the last place or one unit.

function distance(a: bigint, b: bigint): bigint {
  return a > b ? a - b : b - a;
}

const d = decFromString;

test("the table's Φ and φ round to chain/types/fixed's normCdf and normPdf, node by node and between nodes", (t) => {
  const misses: string[] = [];
  // Every node (j/64 up to 12), the midpoints between nodes, and points just past the last node.
  for (let i = -1600; i <= 1600; i++) {
    const x = (BigInt(i) * DEC_ONE) / 128n;
    const { cdf, pdf } = normalCdfAndPdf(decToWork(x));
    if (distance(workToDec(cdf), normCdf(x)) > 1n || distance(workToDec(pdf), normPdf(x)) > 1n) {
      misses.push(`${x}e-18`);
    }
  }
  t.deepEqual(misses, []);
});

test("Φ and φ agree with chain/types/fixed within one unit of the last place at arbitrary points", (t) => {
  assertProperty(
    t,
    fc.property(fc.bigInt({ min: -14n * DEC_ONE, max: 14n * DEC_ONE }), (x) => {
      const { cdf, pdf } = normalCdfAndPdf(decToWork(x));
      return (
        distance(workToDec(cdf), normCdf(x)) <= 1n &&
        distance(workToDec(pdf), normPdf(x)) <= 1n &&
        normalCdf(decToWork(x)) === cdf
      );
    }),
    { numRuns: 500 },
  );
});

test("Φ(−x) = 1 − Φ(x) exactly, Φ stays in [0, 1], and both saturate beyond 12", (t) => {
  assertProperty(
    t,
    fc.property(fc.bigInt({ min: 0n, max: 1n << 110n }), (x) => {
      const up = normalCdf(x);
      const down = normalCdf(-x);
      return up + down === 1n << 96n && up >= 0n && up <= 1n << 96n;
    }),
  );
  t.is(normalCdf(decToWork(d("12.01"))), 1n << 96n);
  t.deepEqual(normalCdfAndPdf(decToWork(d("-12.01"))), { cdf: 0n, pdf: 0n });
});

test("lnRatio(a, b) agrees with ln(a) − ln(b) within two units of the last place", (t) => {
  const positive = fc.bigInt({ min: 1n, max: d("1000000000000") });
  assertProperty(
    t,
    fc.property(positive, positive, (a, b) => distance(workToDec(lnRatio(a, b)), ln(a) - ln(b)) <= 2n),
    { numRuns: 300 },
  );
  t.is(lnRatio(d("3000"), d("3000")), 0n);
});

test("expWork agrees with chain/types/fixed's exp within one unit of the last place over ±100", (t) => {
  assertProperty(
    t,
    fc.property(fc.bigInt({ min: -100n * DEC_ONE, max: 100n * DEC_ONE }), (x) => {
      const ours = workToDec(expWork(decToWork(x)));
      const reference = exp(x);
      // Relative: decToWork's truncation of x shifts e^x by up to e^x·2^-96.
      return distance(ours, reference) <= 1n + reference / 10n ** 27n;
    }),
    { numRuns: 300 },
  );
});

test("integerSqrt is the exact floor of the square root", (t) => {
  assertProperty(
    t,
    fc.property(fc.bigInt({ min: 0n, max: 1n << 300n }), (n) => {
      const r = integerSqrt(n);
      return r * r <= n && (r + 1n) * (r + 1n) > n;
    }),
  );
});
