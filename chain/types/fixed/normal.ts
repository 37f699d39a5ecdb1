import type { Dec } from "./decimal.js";
import { DEC_ONE } from "./decimal.js";
import { decToWork, expW, invSqrt2PiW, mulW, workToDec } from "./work.js";

// 192 bits is ~2^-120 absolute after the e^{x²/2} growth of the series at |x| = 10.
const NORMAL_BITS = 192n;
// Φ(−10) ≈ 7.6e-24 and φ(40) ≈ 0: both round to 0 at 18 places.
const CDF_SATURATION = 10n * DEC_ONE;
const PDF_ZERO = 40n * DEC_ONE;

/**
 * Standard normal density φ(x) = e^{−x²/2}/√(2π), |error| < 1e-18 (correctly rounded
 * except within 1e-30 ulp of a tie) for every x.
 */
export function normPdf(x: Dec): Dec {
  if (x >= PDF_ZERO || x <= -PDF_ZERO) return 0n;
  const p = NORMAL_BITS;
  const xw = decToWork(x < 0n ? -x : x, p);
  return workToDec(densityW(mulW(xw, xw, p), p), p);
}

function densityW(xSquared: bigint, p: bigint): bigint {
  return mulW(expW(-xSquared / 2n, p), invSqrt2PiW(p), p);
}

/**
 * Standard normal CDF Φ(x), |error| < 1e-18 absolute (correctly rounded except within
 * 1e-30 ulp of a tie) for every x; exactly 0 for x ≤ −10 and 1 for x ≥ 10, where Φ is
 * within 1e-23 of them. Uses Φ(|x|) = ½ + φ(x)·Σ x^(2n+1)/(2n+1)!!, whose terms are all
 * positive (no cancellation), in 192-bit fixed point, and Φ(−x) = 1 − Φ(x).
 */
export function normCdf(x: Dec): Dec {
  if (x >= CDF_SATURATION) return DEC_ONE;
  if (x <= -CDF_SATURATION) return 0n;
  const p = NORMAL_BITS;
  const xw = decToWork(x < 0n ? -x : x, p);
  const xSquared = mulW(xw, xw, p);
  let term = xw;
  let sum = xw;
  for (let denominator = 3n; ; denominator += 2n) {
    term = mulW(term, xSquared, p) / denominator;
    if (term === 0n) break;
    sum += term;
  }
  const tail = mulW(densityW(xSquared, p), sum, p);
  const half = 1n << (p - 1n);
  return workToDec(x >= 0n ? half + tail : half - tail, p);
}
