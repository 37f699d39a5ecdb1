/**
 * The votes of one (height, round, type), counted by voting power. The first vote of a
 * validator counts; a different vote from the same validator is kept aside as
 * double-sign evidence material and does not count.
 */
import { equalBytes, toHex } from "../types/bytes.js";
import type { BlockId, SignedMsgType, Validator, Vote } from "../types/block.js";
import { totalVotingPower } from "./proposer.js";

/** Key of a vote's target: "" for nil, else the block id's hashes and part count. */
export function blockIdKey(id: BlockId | undefined): string {
  if (id === undefined) return "";
  return `${toHex(id.hash)}:${id.partSetHeader.total}:${toHex(id.partSetHeader.hash)}`;
}

export type AddVoteResult = "added" | "duplicate" | "conflict" | "unknownValidator" | "wrongSet";

export interface ConflictingVotes {
  readonly first: Vote;
  readonly second: Vote;
}

/** More than two thirds of `total`: power * 3 > total * 2. */
export function isTwoThirds(power: bigint, total: bigint): boolean {
  return power * 3n > total * 2n;
}

/** More than one third: at least one honest validator is among them. */
export function isOneThird(power: bigint, total: bigint): boolean {
  return power * 3n > total;
}

export class VoteSet {
  readonly height: bigint;
  readonly round: number;
  readonly type: SignedMsgType;
  readonly validators: readonly Validator[];
  readonly totalPower: bigint;
  private votes: (Vote | undefined)[];
  private powerByKey: Map<string, bigint>;
  private anyPower: bigint;
  private conflicts: ConflictingVotes[];

  constructor(height: bigint, round: number, type: SignedMsgType, validators: readonly Validator[], totalPower = totalVotingPower(validators)) {
    this.height = height;
    this.round = round;
    this.type = type;
    this.validators = validators;
    this.totalPower = totalPower;
    this.votes = new Array<Vote | undefined>(validators.length).fill(undefined);
    this.powerByKey = new Map();
    this.anyPower = 0n;
    this.conflicts = [];
  }

  clone(): VoteSet {
    const c = new VoteSet(this.height, this.round, this.type, this.validators, this.totalPower);
    c.votes = this.votes.slice();
    c.powerByKey = new Map(this.powerByKey);
    c.anyPower = this.anyPower;
    c.conflicts = this.conflicts.slice();
    return c;
  }

  /** Adds a vote whose signature the caller has verified. */
  add(vote: Vote): AddVoteResult {
    if (vote.height !== this.height || vote.round !== this.round || vote.type !== this.type) return "wrongSet";
    const val = this.validators[vote.validatorIndex];
    if (val === undefined || !equalBytes(val.address, vote.validatorAddress)) return "unknownValidator";
    const existing = this.votes[vote.validatorIndex];
    const key = blockIdKey(vote.blockId);
    if (existing !== undefined) {
      if (blockIdKey(existing.blockId) === key) return "duplicate";
      this.conflicts.push({ first: existing, second: vote });
      return "conflict";
    }
    this.votes[vote.validatorIndex] = vote;
    this.powerByKey.set(key, (this.powerByKey.get(key) ?? 0n) + val.votingPower);
    this.anyPower += val.votingPower;
    return "added";
  }

  powerFor(id: BlockId | undefined): bigint {
    return this.powerByKey.get(blockIdKey(id)) ?? 0n;
  }

  hasTwoThirdsFor(id: BlockId | undefined): boolean {
    return isTwoThirds(this.powerFor(id), this.totalPower);
  }

  hasTwoThirdsAny(): boolean {
    return isTwoThirds(this.anyPower, this.totalPower);
  }

  /** The block id (or nil, as `{ blockId: undefined }`) with +2/3, if any. */
  twoThirdsMajority(): { key: string; blockId: BlockId | undefined } | undefined {
    for (const [key, power] of this.powerByKey) {
      if (isTwoThirds(power, this.totalPower)) {
        const vote = this.votes.find((v) => v !== undefined && blockIdKey(v.blockId) === key);
        return { key, blockId: vote?.blockId };
      }
    }
    return undefined;
  }

  voteOf(index: number): Vote | undefined {
    return this.votes[index];
  }

  /** Votes indexed like the validator set (undefined: absent). */
  allVotes(): readonly (Vote | undefined)[] {
    return this.votes;
  }

  hasVoteFrom(index: number): boolean {
    return this.votes[index] !== undefined;
  }

  conflictingVotes(): readonly ConflictingVotes[] {
    return this.conflicts;
  }
}
