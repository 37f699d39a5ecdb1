import { atanInverse, integerSqrt, mulW } from "../../../chain/types/fixed/work.js";
import { WORK_BITS, WORK_ONE } from "./workingPrecision.js";

/**
 * The standard normal CDF Φ and density φ in working precision, from a table of Taylor
 * expansions at the nodes x_j = j/64 for 0 ≤ x_j ≤ 12. Between nodes, |h| ≤ 1/128 and
 *   φ(x_j + h) = Σ c_n h^n,  Φ(x_j + h) = Φ(x_j) + Σ c_n h^(n+1)/(n+1),  c_n = φ⁽ⁿ⁾(x_j)/n!
 * so one evaluation is two Horner sums of 13 terms and no exp: several times cheaper than
 * chain/types/fixed's normCdf + normPdf, which sum a series from 0 at 192 bits each call.
 * Absolute error ≈ 2^-90 for both; beyond |x| > 12, Φ is 0 or 1 and φ is 0 (Φ(−12) ≈
 * 1.8e-33 and φ(12) ≈ 2.1e-32 are below working precision).
 */

const NODE_BITS = 6n; // nodes every 2^-6
const LAST_NODE = 12 * 64;
const TERMS = 13; // |c_n h^n| < 0.44·2^(-7n)/√(n!): below 2^-105 from n = 13 on
const BUILD_GUARD = 32n;
const BUILD_BITS = WORK_BITS + BUILD_GUARD;
// Stepping from node to node (h = 1/64) in the build needs more terms than evaluation.
const BUILD_TERMS = 24;

interface NormalTable {
  /** Φ(x_j) */
  readonly cdf: readonly bigint[];
  /** c_n = φ⁽ⁿ⁾(x_j)/n!, TERMS per node, node-major */
  readonly density: readonly bigint[];
  /** c_n/(n+1), TERMS per node */
  readonly integral: readonly bigint[];
}

let table: NormalTable | undefined;

/**
 * Builds the table once, deterministically, in integer arithmetic at 128 bits: starts at
 * φ(0) = 1/√(2π), Φ(0) = ½ and walks node to node with the same expansion (24 terms at
 * h = 1/64). The walk only ever multiplies φ's error by e^(−xh−h²/2) < 1, so errors add
 * up to about 768·24·2^-128 and vanish when cut to 96 bits.
 */
function buildTable(): NormalTable {
  const bits = BUILD_BITS;
  // Machin: π = 16·atan(1/5) − 4·atan(1/239); 1/√(2π) at 2^bits is √(2^(3·bits)/(2π·2^bits)).
  const pi = 16n * atanInverse(5n, bits) - 4n * atanInverse(239n, bits);
  let density = integerSqrt((1n << (3n * bits)) / (2n * pi));
  let cdf = 1n << (bits - 1n);
  const cdfs: bigint[] = [];
  const densities: bigint[] = [];
  const integrals: bigint[] = [];
  const coefficients: bigint[] = new Array<bigint>(BUILD_TERMS);
  for (let j = 0; j <= LAST_NODE; j++) {
    // Hermite recurrence: c_{n+1} = (−x·c_n − c_{n−1})/(n+1), x = j/64.
    const x = BigInt(j) << (bits - NODE_BITS);
    coefficients[0] = density;
    coefficients[1] = -mulW(x, density, bits);
    for (let n = 1; n < BUILD_TERMS - 1; n++) {
      coefficients[n + 1] = (-mulW(x, coefficients[n]!, bits) - coefficients[n - 1]!) / BigInt(n + 1);
    }
    cdfs.push(cdf >> BUILD_GUARD);
    for (let n = 0; n < TERMS; n++) {
      densities.push(coefficients[n]! >> BUILD_GUARD);
      integrals.push((coefficients[n]! / BigInt(n + 1)) >> BUILD_GUARD);
    }
    // Step to x + 1/64: h^n is a shift by 6n bits.
    let nextDensity = 0n;
    let increment = 0n;
    for (let n = 0; n < BUILD_TERMS; n++) {
      const c = coefficients[n]!;
      const shift = NODE_BITS * BigInt(n);
      nextDensity += c < 0n ? -(-c >> shift) : c >> shift;
      const integral = c / BigInt(n + 1);
      increment += integral < 0n ? -(-integral >> (shift + NODE_BITS)) : integral >> (shift + NODE_BITS);
    }
    density = nextDensity;
    cdf += increment;
  }
  return { cdf: cdfs, density: densities, integral: integrals };
}

function normalTable(): NormalTable {
  table ??= buildTable();
  return table;
}

/** Φ(x) and φ(x) for a working value x (any sign). */
export interface NormalValues {
  cdf: bigint;
  pdf: bigint;
}

// Module-local copies: the Horner loops are the hot path of every evaluation.
const BITS = WORK_BITS;
const ONE = WORK_ONE;
const NODE_SHIFT = WORK_BITS - NODE_BITS;
const HALF_NODE = 1n << (NODE_SHIFT - 1n);
const LAST_NODE_INDEX = BigInt(LAST_NODE);

function nodeOf(magnitude: bigint): number {
  const j = (magnitude + HALF_NODE) >> NODE_SHIFT;
  return j > LAST_NODE_INDEX ? -1 : Number(j);
}

/** Φ(|x|) by the node's expansion, clamped to at most 1. */
function upperCdf(t: NormalTable, j: number, h: bigint): bigint {
  const base = j * TERMS;
  let acc = t.integral[base + TERMS - 1]!;
  for (let n = TERMS - 2; n >= 0; n--) acc = t.integral[base + n]! + ((acc * h) >> BITS);
  const cdf = t.cdf[j]! + ((acc * h) >> BITS);
  return cdf > ONE ? ONE : cdf;
}

function density(t: NormalTable, j: number, h: bigint): bigint {
  const base = j * TERMS;
  let acc = t.density[base + TERMS - 1]!;
  for (let n = TERMS - 2; n >= 0; n--) acc = t.density[base + n]! + ((acc * h) >> BITS);
  return acc < 0n ? 0n : acc;
}

/** Φ(x) in working precision; Φ(−x) = 1 − Φ(x) exactly. */
export function normalCdf(x: bigint): bigint {
  const magnitude = x < 0n ? -x : x;
  const j = nodeOf(magnitude);
  const upper = j < 0 ? ONE : upperCdf(normalTable(), j, magnitude - (BigInt(j) << NODE_SHIFT));
  return x < 0n ? ONE - upper : upper;
}

/** Φ(x) and φ(x) in working precision, sharing the node lookup. */
export function normalCdfAndPdf(x: bigint): NormalValues {
  const magnitude = x < 0n ? -x : x;
  const j = nodeOf(magnitude);
  if (j < 0) return { cdf: x < 0n ? 0n : ONE, pdf: 0n };
  const t = normalTable();
  const h = magnitude - (BigInt(j) << NODE_SHIFT);
  const upper = upperCdf(t, j, h);
  return { cdf: x < 0n ? ONE - upper : upper, pdf: density(t, j, h) };
}
