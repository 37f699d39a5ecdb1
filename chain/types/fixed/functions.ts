import type { Dec } from "./decimal.js";
import { DEC_MAX_RAW, DEC_ONE, DEC_SCALE, checkDec, toBigInt } from "./decimal.js";
import { fixedErrors } from "./errors.js";
import { decToWork, expW, integerSqrt, lnDecRawW, mulW, workToDec } from "./work.js";

// Working bits for exp/ln/pow: results reach 2^255 raw, so 384 bits leave > 100 bits spare.
const WORK_BITS = 384n;

// exp(x) exceeds DEC_MAX_RAW·1e-18 for x > ln(2^255) − 18·ln(10) ≈ 135.30; rounds to 0 below −43.
const EXP_OVERFLOW_ARGUMENT = 136n * DEC_ONE;
const EXP_ZERO_ARGUMENT = -44n * DEC_ONE;

/**
 * √x, correctly rounded to nearest (error ≤ 0.5e-18) for every x ≥ 0: integer Newton on
 * x·10^18. Throws `fixed/6` for x < 0.
 */
export function sqrt(x: Dec): Dec {
  if (x < 0n) throw fixedErrors.negativeSqrt(`sqrt of ${x}e-18`);
  const n = x * DEC_SCALE;
  const root = integerSqrt(n);
  // n is an integer, so n > root² + root exactly when √n ≥ root + ½ (no ties possible).
  return n - root * root > root ? root + 1n : root;
}

/**
 * e^x, with |error| < 1e-18 (correctly rounded except within 1e-30 ulp of a tie) for every
 * x ≤ 135.3; returns 0 for x < −43 (where e^x < 0.5e-18). Throws `fixed/1` above ~135.30.
 */
export function exp(x: Dec): Dec {
  if (x === 0n) return DEC_ONE;
  if (x > EXP_OVERFLOW_ARGUMENT) throw fixedErrors.overflow("exp", { operation: "exp" });
  if (x < EXP_ZERO_ARGUMENT) return 0n;
  return checkDec(workToDec(expW(decToWork(x, WORK_BITS), WORK_BITS), WORK_BITS), "exp");
}

/**
 * Natural logarithm for x > 0, with |error| < 1e-18 (correctly rounded except within
 * 1e-60 of a tie) over the whole Dec range. Throws `fixed/5` for x ≤ 0.
 */
export function ln(x: Dec): Dec {
  if (x <= 0n) throw fixedErrors.nonPositiveLog(`ln of ${x}e-18`);
  if (x === DEC_ONE) return 0n;
  return workToDec(lnDecRawW(x, WORK_BITS), WORK_BITS);
}

/**
 * x^n for an integer n (0^0 = 1), by squaring in 384-bit binary fixed point. |error| < 1e-18
 * whenever |n| < 2^60 (error ≤ 0.5e-18 + |n|·2^-120 ulp). Throws `fixed/2` for 0^(n<0),
 * `fixed/1` when |result| exceeds the Dec range, `fixed/7` for a non-integer number n.
 */
export function pow(x: Dec, n: bigint | number): Dec {
  const exponent = toBigInt(n, "pow");
  if (exponent === 0n) return DEC_ONE;
  if (x === 0n) {
    if (exponent < 0n) throw fixedErrors.divisionByZero("pow of 0 to a negative exponent");
    return 0n;
  }
  const negative = x < 0n && (exponent < 0n ? -exponent : exponent) % 2n === 1n;
  const magnitude = x < 0n ? -x : x;
  const p = WORK_BITS;
  // For n < 0 raise 1/x: computing the reciprocal first keeps the relative error at 2^-p
  // when |x| is small, which a reciprocal of a tiny x^|n| would not.
  let base = exponent > 0n ? decToWork(magnitude, p) : (DEC_SCALE << p) / magnitude;
  let remaining = exponent < 0n ? -exponent : exponent;
  // Any working value above this rounds to more than DEC_MAX_RAW.
  const limit = ((DEC_MAX_RAW + 1n) << p) / DEC_SCALE + 1n;
  let result = 1n << p;
  for (;;) {
    if ((remaining & 1n) === 1n) {
      result = mulW(result, base, p);
      if (result > limit) throw fixedErrors.overflow("pow", { operation: "pow" });
    }
    remaining >>= 1n;
    if (remaining === 0n) break;
    base = mulW(base, base, p);
    // base > 1 means |result| ≥ 1, so a remaining factor of base overflows.
    if (base > limit) throw fixedErrors.overflow("pow", { operation: "pow" });
    if (base === 0n) return 0n;
  }
  const raw = checkDec(workToDec(result, p), "pow");
  return negative ? -raw : raw;
}
