/**
 * Round r's proposer without walking r steps one by one.
 *
 * The weighted round robin (proposer.ts) is path dependent: which validator is "ahead" after k
 * steps depends on how earlier ties fell, so the counts after k steps are neither Hamilton's
 * nor Webster's apportionment of k seats (both were checked against the walk and fail), and
 * we know of no closed form. Two exact facts make far rounds cheap instead:
 *
 * 1. Stretches. While one validator h keeps winning, every priority moves linearly
 *    (h: +w_h - T per step, others: +w_j), so the step at which some j first catches up
 *    with h (the tie rule included) is one division per validator. A stretch of any
 *    length costs O(n).
 * 2. Periods. Priorities taken modulo T advance by a fixed vector each step, so the state
 *    after P = T / gcd(powers) steps is congruent to the start; the walk checks whether it
 *    is equal (it always is for sets reached from genesis by increments; a hand-made start
 *    may need one period to settle) and then reduces r modulo P.
 *
 * The cost of round r is O(n x stretches in min(r, 2P) steps): O(n) per period switch of the
 * leader, which is milliseconds for round 2^31-1 with any realistic set (equal powers, one
 * dominant validator, thousands of units of power). It is not O(n) for every conceivable
 * set, which is why the driver still refuses rounds far ahead (MAX_ROUNDS_AHEAD).
 * test/unit/consensus/priorityWalk.test.ts compares it with the step-by-step walk.
 */
import { compareBytes } from "../types/bytes.js";

/** CometBFT's MaxTotalVotingPower (int64 max / 8): below it priorities never reach the int64 clip. */
const MAX_TOTAL_POWER = ((1n << 63n) - 1n) / 8n;
/** Up to this total power the walk runs in float64 integers (see walkSmall). */
const SMALL_TOTAL = 1n << 40n;
const SLICE = 1n << 50n;

/** A rescaled and centred starting state, in canonical validator order. */
export interface PriorityStart {
  readonly powers: readonly bigint[];
  readonly priorities: readonly bigint[];
  readonly addresses: readonly Uint8Array[];
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The validator the next step selects: highest priority after adding powers, lowest address on ties. */
function leader(p: readonly bigint[], w: readonly bigint[], rank: readonly number[]): number {
  let best = 0;
  let bestValue = p[0]! + w[0]!;
  for (let i = 1; i < p.length; i++) {
    const v = p[i]! + w[i]!;
    if (v > bestValue || (v === bestValue && rank[i]! < rank[best]!)) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

/** Walks `steps` (> 0) steps from `p` in place by stretches; returns the last step's proposer index. */
function walk(p: bigint[], w: readonly bigint[], rank: readonly number[], total: bigint, steps: bigint): number {
  let last = 0;
  let left = steps;
  while (left > 0n) {
    const h = leader(p, w, rank);
    // h wins the steps s = 0, 1, ... while its lead a - s*d over each j stays positive
    // (or zero with h's address first); a >= 0 because h leads now.
    let stretch = left;
    for (let j = 0; j < p.length; j++) {
      if (j === h) continue;
      const a = p[h]! + w[h]! - p[j]! - w[j]!;
      const d = total + w[j]! - w[h]!;
      const lastWin = rank[h]! < rank[j]! ? a / d : (a + d - 1n) / d - 1n;
      if (lastWin + 1n < stretch) stretch = lastWin + 1n;
    }
    for (let i = 0; i < p.length; i++) if (i !== h) p[i] = p[i]! + stretch * w[i]!;
    p[h] = p[h]! + stretch * (w[h]! - total);
    left -= stretch;
    last = h;
  }
  return last;
}

/** floor(a / d) for non-negative safe integers, exact even where the float quotient rounds up. */
function floorDiv(a: number, d: number): number {
  let q = Math.floor(a / d);
  if (q * d > a) q -= 1;
  else if ((q + 1) * d <= a) q += 1;
  return q;
}

/**
 * `walk` in float64 integers, several times faster than bigint. Used only when the total
 * power is at most 2^40 and the start is centred: every intermediate value (priorities,
 * leads, stretch x power) then stays within a few times the total power, far below 2^53.
 */
function walkSmall(p: number[], w: readonly number[], rank: readonly number[], total: number, steps: number): number {
  let last = 0;
  let left = steps;
  const n = p.length;
  while (left > 0) {
    let h = 0;
    let top = p[0]! + w[0]!;
    for (let i = 1; i < n; i++) {
      const v = p[i]! + w[i]!;
      if (v > top || (v === top && rank[i]! < rank[h]!)) {
        h = i;
        top = v;
      }
    }
    let stretch = left;
    for (let j = 0; j < n; j++) {
      if (j === h) continue;
      const a = top - p[j]! - w[j]!;
      const d = total + w[j]! - w[h]!;
      const lastWin = rank[h]! < rank[j]! ? floorDiv(a, d) : floorDiv(a + d - 1, d) - 1;
      if (lastWin + 1 < stretch) stretch = lastWin + 1;
    }
    for (let i = 0; i < n; i++) if (i !== h) p[i] = p[i]! + stretch * w[i]!;
    p[h] = p[h]! + stretch * (w[h]! - total);
    left -= stretch;
    last = h;
  }
  return last;
}

/** Walks in float64 when that is exact (see walkSmall), else in bigint; updates `p` in place. */
function walkAny(p: bigint[], w: readonly bigint[], rank: readonly number[], total: bigint, steps: bigint): number {
  if (total > SMALL_TOTAL || p.some((x) => x > 4n * total || x < -4n * total)) return walk(p, w, rank, total, steps);
  const q = p.map(Number);
  let last = 0;
  // Steps beyond 2^53 are walked in slices; each slice is exact.
  for (let left = steps; left > 0n;) {
    const slice = left > SLICE ? SLICE : left;
    last = walkSmall(q, w.map(Number), rank, Number(total), Number(slice));
    left -= slice;
  }
  q.forEach((x, i) => (p[i] = BigInt(x)));
  return last;
}

function samePriorities(a: readonly bigint[], b: readonly bigint[]): boolean {
  return a.every((v, i) => v === b[i]);
}

/** The validator selected at a step (index in the start's order) and every priority after it. */
export interface StepResult {
  readonly index: number;
  readonly priorities: readonly bigint[];
}

/**
 * The validator selected at step `steps` (>= 1) from `start`, and the priorities after that
 * step: the same answer as `steps` single increments. Returns undefined when the total power
 * is beyond CometBFT's bound, where the step-by-step walk's int64 clipping could matter.
 */
export function proposerAfterSteps(start: PriorityStart, steps: bigint): StepResult | undefined {
  if (steps < 1n) throw new RangeError(`steps ${steps} must be at least 1`);
  const w = start.powers;
  // Address order as ranks, so that ties cost an integer comparison.
  const order = start.addresses.map((_, i) => i).sort((x, y) => compareBytes(start.addresses[x]!, start.addresses[y]!));
  const rank: number[] = [];
  order.forEach((i, r) => (rank[i] = r));
  let total = 0n;
  for (const x of w) total += x;
  if (total > MAX_TOTAL_POWER || w.some((x) => x <= 0n)) return undefined;
  if (w.length === 1) return { index: 0, priorities: [...start.priorities] };
  const period = total / w.reduce(gcd);
  let from = [...start.priorities];
  let target = steps;
  // At most two periods: the first may settle a hand-made start onto its cycle.
  for (let attempt = 0; attempt < 2 && target > period; attempt++) {
    const p = [...from];
    walkAny(p, w, rank, total, period);
    if (samePriorities(p, from)) {
      target = ((target - 1n) % period) + 1n;
      break;
    }
    from = p;
    target -= period;
  }
  const p = [...from];
  const index = walkAny(p, w, rank, total, target);
  return { index, priorities: p };
}
