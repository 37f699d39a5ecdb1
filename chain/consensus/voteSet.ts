/**
 * The votes of one (height, round, type), counted by voting power. A validator's first vote
 * is its vote; a different vote from the same validator is kept as double-sign evidence
 * material. As in the paper's counting of messages, an equivocator's vote for a block
 * still counts toward that block: quorum intersection makes this safe, and it lets every
 * honest node see a proof-of-lock or commit that peers relay. To bound memory, votes for
 * blocks the caller does not know count only up to MAX_KEYS_PER_VALIDATOR blocks per
 * validator. "Any" thresholds count each validator once.
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

const MAX_KEYS_PER_VALIDATOR = 4;

export class VoteSet {
  readonly height: bigint;
  readonly round: number;
  readonly type: SignedMsgType;
  readonly validators: readonly Validator[];
  readonly totalPower: bigint;
  private votes: (Vote | undefined)[];
  private powerByKey: Map<string, bigint>;
  /** Votes per block key per validator index (a validator appears under each key it voted for). */
  private byKey: Map<string, Map<number, Vote>>;
  private anyPower: bigint;
  private conflicts: ConflictingVotes[];

  constructor(
    height: bigint,
    round: number,
    type: SignedMsgType,
    validators: readonly Validator[],
    totalPower = totalVotingPower(validators),
  ) {
    this.height = height;
    this.round = round;
    this.type = type;
    this.validators = validators;
    this.totalPower = totalPower;
    this.votes = new Array<Vote | undefined>(validators.length).fill(undefined);
    this.powerByKey = new Map();
    this.byKey = new Map();
    this.anyPower = 0n;
    this.conflicts = [];
  }

  clone(): VoteSet {
    const c = new VoteSet(this.height, this.round, this.type, this.validators, this.totalPower);
    c.votes = this.votes.slice();
    c.powerByKey = new Map(this.powerByKey);
    c.byKey = new Map([...this.byKey].map(([k, m]) => [k, new Map(m)] as const));
    c.anyPower = this.anyPower;
    c.conflicts = this.conflicts.slice();
    return c;
  }

  /**
   * Adds a vote whose signature the caller has verified. `knownBlock`: the vote is for nil or
   * a block the caller holds, so an equivocator's vote for it always counts.
   */
  add(vote: Vote, knownBlock = false): AddVoteResult {
    if (vote.height !== this.height || vote.round !== this.round || vote.type !== this.type) return "wrongSet";
    const val = this.validators[vote.validatorIndex];
    if (val === undefined || !equalBytes(val.address, vote.validatorAddress)) return "unknownValidator";
    const existing = this.votes[vote.validatorIndex];
    const key = blockIdKey(vote.blockId);
    if (existing !== undefined) {
      if (this.byKey.get(key)?.has(vote.validatorIndex) === true) return "duplicate";
      this.conflicts.push({ first: existing, second: vote });
      let keys = 0;
      for (const m of this.byKey.values()) if (m.has(vote.validatorIndex)) keys++;
      if (knownBlock || keys < MAX_KEYS_PER_VALIDATOR) this.count(key, vote, val.votingPower);
      return "conflict";
    }
    this.votes[vote.validatorIndex] = vote;
    this.count(key, vote, val.votingPower);
    this.anyPower += val.votingPower;
    return "added";
  }

  private count(key: string, vote: Vote, power: bigint): void {
    let m = this.byKey.get(key);
    if (m === undefined) {
      m = new Map();
      this.byKey.set(key, m);
    }
    m.set(vote.validatorIndex, vote);
    this.powerByKey.set(key, (this.powerByKey.get(key) ?? 0n) + power);
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
        const first = this.byKey.get(key)?.values().next().value;
        return { key, blockId: first?.blockId };
      }
    }
    return undefined;
  }

  voteOf(index: number): Vote | undefined {
    return this.votes[index];
  }

  /** Each validator's vote for `id` if it cast one, else its first vote: the material of a commit. */
  votesPreferring(id: BlockId | undefined): (Vote | undefined)[] {
    const m = this.byKey.get(blockIdKey(id));
    return this.votes.map((v, i) => m?.get(i) ?? v);
  }

  /** First votes, indexed like the validator set (undefined: absent). */
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
