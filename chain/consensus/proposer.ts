/**
 * CometBFT's weighted round-robin proposer selection (types/validator_set.go): every
 * step adds each validator's power to its priority and the highest priority proposes,
 * paying the total power back. Priorities are rescaled into a window of 2x the total power
 * and centred on zero before each increment, exactly as CometBFT does, so that heights
 * pick the same proposers as a CometBFT chain with the same set.
 */
import { compareBytes } from "../types/bytes.js";
import type { Validator } from "../types/block.js";
import { proposerAfterSteps } from "./priorityWalk.js";

const PRIORITY_WINDOW_SIZE_FACTOR = 2n;
const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
/**
 * Rounds up to this far past the highest walked one are walked (and remembered); further ones
 * are jumped to. Walking is cheapest while rounds advance one by one, as they do.
 */
const WALK_AHEAD = 32_768;
/** Far rounds remembered per height (a peer can name any number of them). */
const FAR_CACHE_SIZE = 256;

/** A validator set with CometBFT's proposer bookkeeping (what `types.ValidatorSet` holds). */
export interface ValidatorSet {
  /** In canonical order: voting power descending, then address ascending. */
  readonly validators: readonly Validator[];
  /** The round-0 proposer of the height this set belongs to. */
  readonly proposer: Validator;
}

/** Who proposes in a round of the current height. A sequencer schedule can replace it. */
export interface ProposerSelection {
  proposer(round: number): Validator;
}

function clip(n: bigint): bigint {
  return n > MAX_INT64 ? MAX_INT64 : n < MIN_INT64 ? MIN_INT64 : n;
}

export function totalVotingPower(validators: readonly Validator[]): bigint {
  let total = 0n;
  for (const v of validators) total += v.votingPower;
  return total;
}

function byVotingPower(a: Validator, b: Validator): number {
  if (a.votingPower !== b.votingPower) return a.votingPower > b.votingPower ? -1 : 1;
  return compareBytes(a.address, b.address);
}

function withMostPriority(vals: readonly Validator[]): Validator {
  let best = vals[0]!;
  for (const v of vals) {
    if (
      v.proposerPriority > best.proposerPriority ||
      (v.proposerPriority === best.proposerPriority && compareBytes(v.address, best.address) < 0)
    ) {
      best = v;
    }
  }
  return best;
}

function rescale(vals: Validator[], diffMax: bigint): void {
  if (diffMax <= 0n || vals.length === 0) return;
  let max = MIN_INT64;
  let min = MAX_INT64;
  for (const v of vals) {
    if (v.proposerPriority > max) max = v.proposerPriority;
    if (v.proposerPriority < min) min = v.proposerPriority;
  }
  const diff = max - min;
  if (diff > diffMax) {
    const ratio = (diff + diffMax - 1n) / diffMax;
    // bigint division truncates toward zero like Go's int64 division.
    for (const v of vals) v.proposerPriority = v.proposerPriority / ratio;
  }
}

function shiftByAverage(vals: Validator[]): void {
  if (vals.length === 0) return;
  let sum = 0n;
  for (const v of vals) sum += v.proposerPriority;
  const n = BigInt(vals.length);
  // big.Int.Div is Euclidean: with a positive divisor it rounds toward -infinity.
  let avg = sum / n;
  if (sum % n !== 0n && sum < 0n) avg -= 1n;
  for (const v of vals) v.proposerPriority = clip(v.proposerPriority - avg);
}

function copyValidators(vals: readonly Validator[]): Validator[] {
  return vals.map((v) => ({ ...v }));
}

/** `ValidatorSet.IncrementProposerPriority(times)`: returns a new set, the input is unchanged. */
export function incrementProposerPriority(set: Pick<ValidatorSet, "validators">, times: number): ValidatorSet {
  const vals = copyValidators(set.validators);
  if (vals.length === 0 || times <= 0) throw new RangeError("incrementProposerPriority needs validators and times > 0");
  const total = totalVotingPower(vals);
  rescale(vals, PRIORITY_WINDOW_SIZE_FACTOR * total);
  shiftByAverage(vals);
  let proposer = vals[0]!;
  for (let i = 0; i < times; i++) {
    for (const v of vals) v.proposerPriority = clip(v.proposerPriority + v.votingPower);
    proposer = withMostPriority(vals);
    proposer.proposerPriority = clip(proposer.proposerPriority - total);
  }
  return { validators: vals, proposer };
}

/**
 * `types.NewValidatorSet` for a set of new validators (genesis): every validator starts at
 * -(1.125 x total power), the set is centred (so all start at 0) and incremented once.
 */
export function createValidatorSet(validators: readonly Omit<Validator, "proposerPriority">[]): ValidatorSet {
  const total = totalVotingPower(validators as Validator[]);
  const start = -(total + (total >> 3n));
  const vals = validators.map((v) => ({ ...v, proposerPriority: start }));
  rescale(vals, PRIORITY_WINDOW_SIZE_FACTOR * total);
  shiftByAverage(vals);
  vals.sort(byVotingPower);
  return incrementProposerPriority({ validators: vals }, 1);
}

/**
 * The list after an end block's updates (power 0 removes), in canonical order. A changed
 * list starts from fresh priorities (createValidatorSet), a simplification of CometBFT's
 * priority carry-over that every node applies alike.
 */
export function applyValidatorUpdates(
  list: readonly Validator[],
  updates: readonly { pubKey: Uint8Array; address: Uint8Array; votingPower: bigint }[],
): Validator[] {
  const byKey = new Map(list.map((v) => [Buffer.from(v.pubKey).toString("hex"), v]));
  for (const u of updates) {
    const key = Buffer.from(u.pubKey).toString("hex");
    if (u.votingPower <= 0n) byKey.delete(key);
    else byKey.set(key, { address: u.address, pubKey: u.pubKey, votingPower: u.votingPower, proposerPriority: 0n });
  }
  return [...byKey.values()].sort(byVotingPower);
}

/** Same validators with the same powers (priorities aside). */
export function sameValidators(a: readonly Validator[], b: readonly Validator[]): boolean {
  if (a.length !== b.length) return false;
  const key = (v: Validator) => `${Buffer.from(v.pubKey).toString("hex")}:${v.votingPower}`;
  const left = new Set(a.map(key));
  return b.every((v) => left.has(key(v)));
}

/** The set of the next height (CometBFT: `NextValidators.CopyIncrementProposerPriority(1)`). */
export function nextHeightValidatorSet(set: ValidatorSet): ValidatorSet {
  return incrementProposerPriority(set, 1);
}

/**
 * Round r's proposer is the set incremented r times in one call (round 0: the set's own
 * proposer). CometBFT increments by the number of rounds skipped each time it enters a
 * round, which only differs from this after a rescale; one function of (set, round) keeps
 * the reducer a pure function of its inputs.
 *
 * `incrementProposerPriority(set, r)` rescales once and then runs r steps. Rounds near the
 * ones already asked are walked step by step from the highest computed so far (the normal
 * case: rounds advance one at a time); a round far ahead is computed directly from the
 * rescaled start by `proposerAfterSteps` (stretches and periods, see priorityWalk.ts), so a
 * message naming round 2^31-1 costs milliseconds, not a walk of 2^31 steps.
 */
export function createRoundRobinSelection(set: ValidatorSet): ProposerSelection {
  const proposers: Validator[] = [set.proposer];
  const far = new Map<number, Validator>();
  let vals: Validator[] | undefined;
  let total = 0n;
  return {
    proposer(round: number): Validator {
      if (!Number.isSafeInteger(round) || round < 0) throw new RangeError(`round ${round} is not a round`);
      const known = proposers[round] ?? far.get(round);
      if (known !== undefined) return known;
      if (round >= proposers.length + WALK_AHEAD) {
        const p = farRoundProposer(set, round);
        if (p !== undefined) {
          if (far.size >= FAR_CACHE_SIZE) far.clear();
          far.set(round, p);
          return p;
        }
      }
      if (vals === undefined) {
        vals = rescaledStart(set);
        total = totalVotingPower(vals);
      }
      while (proposers.length <= round) {
        for (const v of vals) v.proposerPriority = clip(v.proposerPriority + v.votingPower);
        const p = withMostPriority(vals);
        p.proposerPriority = clip(p.proposerPriority - total);
        proposers.push({ ...p });
      }
      return proposers[round]!;
    },
  };
}

/** A copy of the set's validators rescaled and centred, as `incrementProposerPriority` starts. */
function rescaledStart(set: Pick<ValidatorSet, "validators">): Validator[] {
  const vals = copyValidators(set.validators);
  rescale(vals, PRIORITY_WINDOW_SIZE_FACTOR * totalVotingPower(vals));
  shiftByAverage(vals);
  return vals;
}

/**
 * `incrementProposerPriority(set, round).proposer` (round >= 1) without walking round steps
 * (see priorityWalk.ts); undefined for totals beyond CometBFT's MaxTotalVotingPower.
 */
export function farRoundProposer(set: Pick<ValidatorSet, "validators">, round: number): Validator | undefined {
  if (!Number.isSafeInteger(round) || round < 1) throw new RangeError(`round ${round} is not a round after 0`);
  const from = rescaledStart(set);
  const result = proposerAfterSteps(
    {
      powers: from.map((v) => v.votingPower),
      priorities: from.map((v) => v.proposerPriority),
      addresses: from.map((v) => v.address),
    },
    BigInt(round),
  );
  if (result === undefined) return undefined;
  return { ...from[result.index]!, proposerPriority: result.priorities[result.index]! };
}
