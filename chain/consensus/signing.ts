/**
 * The driver's signing rules, split from the driver as pure functions: which failures are
 * final, how long to wait before retrying one that is not, whether the reducer still wants a
 * signature being retried, and the timestamp a vote carries. The driver does the signing.
 */
import type { Timestamp } from "../types/abci.js";
import type { BlockId } from "../types/block.js";
import { timestampFromMs, timestampToNs } from "./blockFactory.js";
import { consensusErrors } from "./errors.js";
import type { ConsensusState } from "./reducerTypes.js";
import { blockIdKey } from "./voteSet.js";

/** Sign or persist failures (e.g. EMFILE) are retried with this backoff, never dropped. */
const SIGN_RETRY_MIN_MS = 50;
const SIGN_RETRY_MAX_MS = 1_000;

/** A refusal of the sign state (regression, conflict) is final; anything else (I/O) is retried. */
export function isSignRefusal(e: unknown): boolean {
  return consensusErrors.conflictingSignature.is(e) || consensusErrors.signRegression.is(e);
}

/** Exponential backoff from 50 ms, capped at 1 s. */
export function signRetryDelayMs(attempt: number): number {
  return Math.min(SIGN_RETRY_MAX_MS, SIGN_RETRY_MIN_MS * 2 ** Math.min(attempt, 10));
}

/** The proposal of (height, round) is still ours to make: same round, still proposing, none received. */
export function proposalStillWanted(cs: ConsensusState, height: bigint, round: number): boolean {
  return cs.height === height && cs.round === round && cs.step === "propose" && !cs.proposals.has(round);
}

/** The reducer's last sign request is still this vote, and our vote is not in its vote set. */
export function voteStillWanted(
  cs: ConsensusState,
  type: 1 | 2,
  height: bigint,
  round: number,
  blockId: BlockId | undefined,
  index: number,
): boolean {
  const req = cs.lastSignRequest;
  const own = (type === 1 ? cs.prevotes : cs.precommits).get(round);
  return (
    cs.height === height &&
    req !== undefined &&
    req.type === type &&
    req.round === round &&
    blockIdKey(req.blockId) === blockIdKey(blockId) &&
    own?.hasVoteFrom(index) !== true
  );
}

/** Now, but at least 1 ms after the last block's time (a vote's time feeds the next block's median time). */
export function voteTime(nowMs: number, lastBlockTime: Timestamp): Timestamp {
  const t = timestampFromMs(nowMs);
  const min = timestampToNs(lastBlockTime) + 1_000_000n;
  return timestampToNs(t) > min ? t : { seconds: min / 1_000_000_000n, nanos: Number(min % 1_000_000_000n) };
}
