import { DEC_SCALE, divRoundHalfEven } from "./decimal.js";

/**
 * Internal binary fixed point: a bigint `w` stands for `w / 2^p`. Transcendental functions
 * run here with far more bits than a Dec holds, then round once to 18 decimals, so their
 * results are the correctly rounded value except within ~2^-60 ulp of a tie.
 */

// Constants are computed once at this precision and shifted down to the one asked for.
const CONSTANT_BITS = 512n;

/** atanh(1/k) at scale 2^p: Σ 1/((2n+1)·k^(2n+1)). */
function atanhInverse(k: bigint, p: bigint): bigint {
  const kSquared = k * k;
  let power = (1n << p) / k;
  let sum = power;
  for (let n = 3n; ; n += 2n) {
    power /= kSquared;
    if (power === 0n) return sum;
    sum += power / n;
  }
}

/** atan(1/k) at scale 2^p: Σ (-1)^n/((2n+1)·k^(2n+1)). */
export function atanInverse(k: bigint, p: bigint): bigint {
  const kSquared = k * k;
  let power = (1n << p) / k;
  let sum = power;
  for (let n = 3n, sign = -1n; ; n += 2n, sign = -sign) {
    power /= kSquared;
    if (power === 0n) return sum;
    sum += (sign * power) / n;
  }
}

/** ⌊√n⌋ for n ≥ 0. */
export function integerSqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // Newton from above decreases monotonically to floor(sqrt(n)).
  let x = 1n << (BigInt(bitLength(n)) / 2n + 1n);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** Number of bits of |n| (0 for 0); by hex digits, as it sits on the option pricer's hot path. */
export function bitLength(n: bigint): number {
  const hex = (n < 0n ? -n : n).toString(16);
  return 4 * (hex.length - 1) + HEX_DIGIT_BITS[parseInt(hex[0]!, 16)]!;
}
const HEX_DIGIT_BITS = [0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4] as const;

const GUARD = 32n;
const LN2 = (2n * atanhInverse(3n, CONSTANT_BITS + GUARD)) >> GUARD;
// ln 10 = 3·ln 2 + ln(5/4), and ln(5/4) = 2·atanh(1/9).
const LN10 =
  (3n * 2n * atanhInverse(3n, CONSTANT_BITS + GUARD) + 2n * atanhInverse(9n, CONSTANT_BITS + GUARD)) >> GUARD;
// Machin: π = 16·atan(1/5) − 4·atan(1/239).
const PI = (16n * atanInverse(5n, CONSTANT_BITS + GUARD) - 4n * atanInverse(239n, CONSTANT_BITS + GUARD)) >> GUARD;
// 1/√(2π) at scale 2^C: its square is 2^(2C)/(2π) = 2^(3C)/(2·PI).
const INV_SQRT_2PI = integerSqrt((1n << (3n * CONSTANT_BITS)) / (2n * PI));

function atPrecision(constant: bigint, p: bigint): bigint {
  return constant >> (CONSTANT_BITS - p);
}

export function ln2W(p: bigint): bigint {
  return atPrecision(LN2, p);
}

export function invSqrt2PiW(p: bigint): bigint {
  return atPrecision(INV_SQRT_2PI, p);
}

export function piW(p: bigint): bigint {
  return atPrecision(PI, p);
}

/** Dec raw → working value (truncated: error < 2^-p). */
export function decToWork(raw: bigint, p: bigint): bigint {
  return (raw << p) / DEC_SCALE;
}

/** Working value → Dec raw, rounded half-even. */
export function workToDec(w: bigint, p: bigint): bigint {
  return divRoundHalfEven(w * DEC_SCALE, 1n << p);
}

/** a·b truncated toward zero, so a series of shrinking negative terms reaches 0 (floor would stick at −1). */
export function mulW(a: bigint, b: bigint, p: bigint): bigint {
  const product = a * b;
  return product < 0n ? -(-product >> p) : product >> p;
}

/**
 * e^x at scale 2^p. Reduces x = k·ln2 + r with |r| ≤ ln2/2 (k rounded half away from zero),
 * sums the Taylor series of e^r until terms vanish, then shifts by k. Relative error
 * ≈ (|k|+90)·2^-p. The option pricer's e^x is this at 96 bits.
 */
export function expW(x: bigint, p: bigint): bigint {
  const ln2 = ln2W(p);
  const k = (x >= 0n ? x + ln2 / 2n : x - ln2 / 2n) / ln2;
  const r = x - k * ln2;
  const one = 1n << p;
  let sum = one;
  let term = one;
  for (let n = 1n; ; n++) {
    term = mulW(term, r, p) / n;
    if (term === 0n) break;
    sum += term;
  }
  return k >= 0n ? sum << k : sum >> -k;
}

/**
 * ln(raw / 10^18) at scale 2^p for raw > 0. Writes raw = m·2^k with m ∈ [√½, √2), so
 * ln(raw) = k·ln2 + 2·atanh((m−1)/(m+1)) with |z| ≤ 0.172, then subtracts 18·ln10.
 * Absolute error ≈ 300·2^-p.
 */
export function lnDecRawW(raw: bigint, p: bigint): bigint {
  let k = BigInt(bitLength(raw) - 1);
  const one = 1n << p;
  const mantissa = (shift: bigint): bigint => (shift <= p ? raw << (p - shift) : raw >> (shift - p));
  let m = mantissa(k);
  // m > √2 ⇔ m² > 2·2^(2p): move it into [√½, √2) to speed the series.
  if (m * m > 2n << (2n * p)) {
    k += 1n;
    m = mantissa(k);
  }
  const z = ((m - one) << p) / (m + one);
  const zSquared = mulW(z, z, p);
  let power = z;
  let sum = z;
  for (let n = 3n; ; n += 2n) {
    power = mulW(power, zSquared, p);
    if (power === 0n) break;
    sum += power / n;
  }
  return k * ln2W(p) + 2n * sum - 18n * atPrecision(LN10, p);
}
