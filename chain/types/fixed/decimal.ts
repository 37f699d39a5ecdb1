import { fixedErrors } from "./errors.js";

/**
 * A decimal with 18 fixed fractional digits, stored as the integer `value * 10^18`
 * (Cosmos' LegacyDec). A plain bigint, so arithmetic is cheap and values serialize as-is.
 */
export type Dec = bigint;

export const DEC_PRECISION = 18;
/** The raw representation of 1.0. */
export const DEC_SCALE: Dec = 10n ** 18n;
export const DEC_ONE: Dec = DEC_SCALE;
export const DEC_ZERO: Dec = 0n;
/** Largest representable raw value: every operation rejects |raw| above it (about 5.79e58). */
export const DEC_MAX_RAW: Dec = 2n ** 255n - 1n;

// Longer inputs cannot be in range anyway; the cap keeps hostile strings cheap to reject.
const MAX_STRING_LENGTH = 100;
const DECIMAL_PATTERN = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;

/** Throws `fixed/1` if `raw` is outside ±DEC_MAX_RAW; returns it otherwise. */
export function checkDec(raw: bigint, operation: string): Dec {
  if (raw > DEC_MAX_RAW || raw < -DEC_MAX_RAW) {
    throw fixedErrors.overflow(`${operation} overflowed`, { operation });
  }
  return raw;
}

/**
 * Parses "3001.5", "-0.000000000000000001", "42". Rejects a leading '+', a bare '.',
 * exponents, whitespace and more than 18 fractional digits (never rounds silently).
 */
export function decFromString(s: string): Dec {
  const known = parsed.get(s);
  if (known !== undefined) return known;
  const d = parseDec(s);
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  parsed.set(s, d);
  return d;
}

/**
 * Strings parsed before: the same few (fee rates, margin ratios in market params) are parsed
 * at every fill and every position's risk. Only valid strings are kept; bounded.
 */
const parsed = new Map<string, Dec>();
const PARSED_LIMIT = 4096;

function parseDec(s: string): Dec {
  if (s.length > MAX_STRING_LENGTH) {
    throw fixedErrors.malformedDecimal(`decimal string longer than ${MAX_STRING_LENGTH} characters`);
  }
  const match = DECIMAL_PATTERN.exec(s);
  if (match === null) {
    throw fixedErrors.malformedDecimal(`cannot parse ${JSON.stringify(s)}`);
  }
  const [, sign, whole = "", frac = ""] = match;
  if (frac.length > DEC_PRECISION) {
    throw fixedErrors.tooManyDecimalPlaces(`${JSON.stringify(s)} has ${frac.length} decimal places`);
  }
  const magnitude = BigInt(whole) * DEC_SCALE + BigInt(frac.padEnd(DEC_PRECISION, "0"));
  return checkDec(sign === "-" ? -magnitude : magnitude, "decFromString");
}

/** Formats with all 18 fractional digits, as LegacyDec does: "3001.500000000000000000". */
export function decToString(x: Dec): string {
  const magnitude = x < 0n ? -x : x;
  const whole = magnitude / DEC_SCALE;
  const frac = (magnitude % DEC_SCALE).toString().padStart(DEC_PRECISION, "0");
  return `${x < 0n ? "-" : ""}${whole}.${frac}`;
}

/** The decimal equal to an integer; a number must be a safe integer. */
export function decFromInt(n: bigint | number): Dec {
  return checkDec(toBigInt(n, "decFromInt") * DEC_SCALE, "decFromInt");
}

/** Integer part, truncated toward zero. */
export function decToIntTruncate(x: Dec): bigint {
  return x / DEC_SCALE;
}

export function toBigInt(n: bigint | number, operation: string): bigint {
  if (typeof n === "bigint") return n;
  if (!Number.isSafeInteger(n)) {
    throw fixedErrors.invalidArgument(`${operation} got ${n}`, { operation });
  }
  return BigInt(n);
}

/**
 * `numerator / denominator` rounded to the nearest integer, ties to even (banker's
 * rounding, as LegacyDec's chopPrecisionAndRound): unbiased over many operations.
 */
export function divRoundHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw fixedErrors.divisionByZero();
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const quotient = numerator / denominator;
  const remainder = numerator - quotient * denominator;
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  if (twice > denominator || (twice === denominator && quotient % 2n !== 0n)) {
    return quotient + (numerator < 0n ? -1n : 1n);
  }
  return quotient;
}

export function add(a: Dec, b: Dec): Dec {
  return checkDec(a + b, "add");
}

export function sub(a: Dec, b: Dec): Dec {
  return checkDec(a - b, "sub");
}

export function neg(a: Dec): Dec {
  return -a;
}

export function abs(a: Dec): Dec {
  return a < 0n ? -a : a;
}

export function cmp(a: Dec, b: Dec): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function min(a: Dec, b: Dec): Dec {
  return a < b ? a : b;
}

export function max(a: Dec, b: Dec): Dec {
  return a > b ? a : b;
}

/** a·b rounded half-even to 18 places: error ≤ 0.5e-18. */
export function mul(a: Dec, b: Dec): Dec {
  return checkDec(divRoundHalfEven(a * b, DEC_SCALE), "mul");
}

/** a·b truncated toward zero to 18 places (|result| never exceeds the exact product). */
export function mulTruncate(a: Dec, b: Dec): Dec {
  return checkDec((a * b) / DEC_SCALE, "mulTruncate");
}

/** a/b rounded half-even to 18 places: error ≤ 0.5e-18. Throws `fixed/2` when b = 0. */
export function div(a: Dec, b: Dec): Dec {
  if (b === 0n) throw fixedErrors.divisionByZero("div");
  return checkDec(divRoundHalfEven(a * DEC_SCALE, b), "div");
}

/** a/b truncated toward zero to 18 places. Throws `fixed/2` when b = 0. */
export function divTruncate(a: Dec, b: Dec): Dec {
  if (b === 0n) throw fixedErrors.divisionByZero("divTruncate");
  return checkDec((a * DEC_SCALE) / b, "divTruncate");
}
