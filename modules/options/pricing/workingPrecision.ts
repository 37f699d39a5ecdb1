import type { Dec } from "../../../chain/types/fixed/index.js";
import { DEC_SCALE } from "../../../chain/types/fixed/index.js";
import { bitLength, expW, ln2W, mulW, workToDec as workToDecAt } from "../../../chain/types/fixed/work.js";

export { bitLength, integerSqrt } from "../../../chain/types/fixed/work.js";

/**
 * Binary fixed point for the inside of a Black-Scholes evaluation: a bigint `w` stands for
 * `w / 2^96`. Inputs come in as Decs, everything in between stays at 2^-96 (≈1.3e-29), and
 * each output is rounded to 18 places once, so intermediate rounding never shows in a Dec.
 * Binary rather than decimal so that scaling is a shift and the normal table's nodes
 * (multiples of 1/64) are exact.
 */
export const WORK_BITS = 96n;
export const WORK_ONE = 1n << WORK_BITS;

// Constants are built with 32 guard bits, then truncated to WORK_BITS.
const GUARD_BITS = 32n;

/** Dec raw → working value, truncated toward zero (error < 2^-96). */
export function decToWork(raw: Dec): bigint {
  return (raw << WORK_BITS) / DEC_SCALE;
}

/** Working value → Dec raw, rounded half-even: the only rounding a Dec output sees. */
export function workToDec(w: bigint): Dec {
  return workToDecAt(w, WORK_BITS);
}

/** a·b in working precision, rounded toward −∞ (error < 2^-96). */
export function mulWork(a: bigint, b: bigint): bigint {
  return (a * b) >> WORK_BITS;
}

/** a/b in working precision, truncated toward zero. */
export function divWork(a: bigint, b: bigint): bigint {
  return (a << WORK_BITS) / b;
}

/** atanh(z) at `bits` of precision for |z| < 1: Σ z^(2n+1)/(2n+1). */
function atanh(z: bigint, bits: bigint): bigint {
  const zSquared = mulW(z, z, bits);
  let power = z;
  let sum = z;
  for (let n = 3n; ; n += 2n) {
    power = mulW(power, zSquared, bits);
    if (power === 0n) return sum;
    sum += power / n;
  }
}

const CONSTANT_BITS = WORK_BITS + GUARD_BITS;
const LN2 = ln2W(WORK_BITS);

// ln(1 + j/64) for j = 0…64, so that ln's series only has to cover a ratio within 1/64 of 1.
const LN_TABLE_BITS = 6n;
const LN_TABLE: readonly bigint[] = Array.from({ length: 65 }, (_, j) => {
  // ln(1 + j/64) = 2·atanh(j / (128 + j))
  const z = (BigInt(j) << CONSTANT_BITS) / (128n + BigInt(j));
  return (2n * atanh(z, CONSTANT_BITS)) >> GUARD_BITS;
});

/**
 * ln(q) for a working value q ≥ 1. Writes q = m·2^k with m ∈ [1, 2), takes ln(c) for the
 * table node c ≤ m, and sums atanh((m−c)/(m+c)) with |z| < 1/128: about seven terms.
 * Absolute error ≈ 10·2^-96.
 */
function lnAtLeastOne(q: bigint): bigint {
  const k = BigInt(bitLength(q) - 1) - WORK_BITS;
  const m = q >> k;
  const j = (m - WORK_ONE) >> (WORK_BITS - LN_TABLE_BITS);
  const c = WORK_ONE + (j << (WORK_BITS - LN_TABLE_BITS));
  const z = divWork(m - c, m + c);
  return k * LN2 + LN_TABLE[Number(j)]! + 2n * atanh(z, WORK_BITS);
}

/**
 * ln(a/b) in working precision for two positive Dec raws. The ratio is taken the way up
 * (≥ 1), so its truncation costs at most 2^-96 relative whichever way the ratio goes.
 */
export function lnRatio(a: Dec, b: Dec): bigint {
  if (a === b) return 0n;
  return a > b ? lnAtLeastOne(divWork(a, b)) : -lnAtLeastOne(divWork(b, a));
}

/** e^x in working precision (chain/types/fixed's series at 96 bits). Callers keep |x| ≤ 100. */
export function expWork(x: bigint): bigint {
  return expW(x, WORK_BITS);
}
