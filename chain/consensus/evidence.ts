/**
 * Duplicate-vote evidence: two votes of one validator for the same height, round and type
 * but different blocks. Checked here; pooled, gossiped, included in blocks and committed
 * once by the driver; handed to the application (slashing) as misbehaviour.
 */
import { verifyEd25519 } from "../crypto/ed25519.js";
import { sha256 } from "../crypto/hash.js";
import { equalBytes, toHex } from "../types/bytes.js";
import type { DuplicateVoteEvidence, Validator, Vote } from "../types/block.js";
import type { Misbehavior } from "../types/abci.js";
import { voteSignBytes } from "./encoding.js";
import { encodeVote } from "./protoCodec.js";
import { totalVotingPower } from "./proposer.js";
import { blockIdKey } from "./voteSet.js";

export interface DuplicateVotes {
  voteA: Vote;
  voteB: Vote;
}

const NIL_KEY = "nil";
const keyOf = (v: Vote) => (v.blockId === undefined ? NIL_KEY : blockIdKey(v.blockId));

/** The pair in CometBFT's order: the vote whose block id sorts first is A. */
export function orderedVotes(first: Vote, second: Vote): DuplicateVotes {
  return keyOf(first) <= keyOf(second) ? { voteA: first, voteB: second } : { voteA: second, voteB: first };
}

/** Identifies a piece of evidence by its two votes (the derived fields follow from them). */
export function evidenceKey(e: DuplicateVotes): string {
  const a = encodeVote(e.voteA);
  const b = encodeVote(e.voteB);
  const both = new Uint8Array(a.length + b.length);
  both.set(a, 0);
  both.set(b, a.length);
  return toHex(sha256(both));
}

/** Why the two votes are not evidence against a member of `validators`, or undefined if they are. */
export function duplicateVoteProblem(
  chainId: string,
  e: DuplicateVotes,
  validators: readonly Validator[],
): string | undefined {
  const { voteA: a, voteB: b } = e;
  if (a.height !== b.height || a.round !== b.round || a.type !== b.type)
    return "votes of different heights, rounds or types";
  if (!equalBytes(a.validatorAddress, b.validatorAddress)) return "votes of different validators";
  if (keyOf(a) === keyOf(b)) return "votes for the same block";
  if (keyOf(a) > keyOf(b)) return "votes out of order";
  // The index is not signed: each wrong index would make another copy of one misbehaviour
  // (another evidence key, more block space), so it must name the validator in the set.
  if (a.validatorIndex !== b.validatorIndex) return "votes with different validator indexes";
  const val = validators[a.validatorIndex];
  if (val === undefined || !equalBytes(val.address, a.validatorAddress))
    return "not a validator at that index and height";
  for (const v of [a, b]) {
    if (!verifyEd25519(val.pubKey, voteSignBytes(chainId, v), v.signature)) return "bad vote signature";
  }
  return undefined;
}

export function completeEvidence(
  e: DuplicateVotes,
  validators: readonly Validator[],
  blockTime: DuplicateVoteEvidence["timestamp"],
): DuplicateVoteEvidence {
  const val = validators.find((v) => equalBytes(v.address, e.voteA.validatorAddress));
  return {
    voteA: e.voteA,
    voteB: e.voteB,
    totalVotingPower: totalVotingPower(validators),
    validatorPower: val?.votingPower ?? 0n,
    timestamp: blockTime,
  };
}

export function toMisbehavior(e: DuplicateVoteEvidence): Misbehavior {
  return {
    type: "duplicate_vote",
    validatorAddress: e.voteA.validatorAddress,
    power: e.validatorPower,
    height: e.voteA.height,
    time: e.timestamp,
    totalVotingPower: e.totalVotingPower,
  };
}
