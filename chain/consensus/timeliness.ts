/**
 * Whether a proposed block's time is timely: block time is the proposer's clock, so both
 * ends are bounded when a validator prevotes, or one proposer (above all the epoch's
 * sequencer, who proposes many heights in a row) could move the chain's time, and with it
 * funding, option expiries and good-til-time orders, at will.
 *
 * Ahead: at most MAX_PROPOSAL_AHEAD_MS past the validator's own clock.
 *
 * Behind: not against the validator's clock at prevote time, because a sequencer fixes a
 * height's time when it opens it (pipelining: when it seals the height before) and hands out
 * receipts executed under it; the block keeps that time in whatever round it is finally
 * proposed. Honestly it opens H after sealing H−1, which it does after H−2 committed, so
 * time(H) is after the precommits of H−2 were signed. The floor is read from those
 * precommits (the commit of H−2 that block H−1 carries, signatures verified): the earliest
 * vote time by which more than 1/3 of the set's power had signed. Less than 1/3 (the faulty
 * power) can neither pull it below every honest signer's time nor, being a past commit, can a
 * slow round make an honest block late. It is the same on every node and does not depend
 * on this node's clock, so a validator whose clock runs fast does not refuse honest blocks
 * (an anchor on its own clock would: with one fast and one slow clock among four validators
 * nothing would get +2/3).
 */
import type { BlockStoreReader } from "../store/types.js";
import type { Commit, Validator } from "../types/block.js";
import { timestampToNs } from "./blockFactory.js";
import { totalVotingPower } from "./proposer.js";

/** A proposal's block time may be at most this far ahead of the validating node's clock. */
export const MAX_PROPOSAL_AHEAD_MS = 10_000;
/**
 * A proposal's block time may be at most this far before the floor of the commit two
 * heights back (`commitTimeFloorNs`): room for the signers' clock skew.
 */
export const MAX_PROPOSAL_BEHIND_MS = 10_000;

/** The floor a height's block time is held to, read from the commit of the height two before it. */
export interface TimeFloor {
  /** The height whose proposals it bounds. */
  height: bigint;
  ns: bigint;
}

/**
 * The earliest precommit time by which more than 1/3 of the set's voting power had signed
 * `commit` (absent signatures count for nothing; nil precommits are signed too and count).
 * Undefined when the signatures present do not reach 1/3 (an empty commit).
 */
export function commitTimeFloorNs(commit: Commit, validators: readonly Validator[]): bigint | undefined {
  if (commit.signatures.length !== validators.length) return undefined;
  const signed = commit.signatures
    .map((s, i) => ({ ns: timestampToNs(s.timestamp), power: validators[i]!.votingPower, flag: s.blockIdFlag }))
    .filter((s) => s.flag !== 1)
    .sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
  const total = totalVotingPower(validators);
  let power = 0n;
  for (const s of signed) {
    power += s.power;
    if (power * 3n > total) return s.ns;
  }
  return undefined;
}

/** The floor for proposals of `height`, from the commit of `height − 2` and the set that signed it. */
export function timeFloorFor(
  height: bigint,
  commit: Commit | undefined,
  validators: readonly Validator[] | undefined,
): TimeFloor | undefined {
  if (commit === undefined || validators === undefined || commit.height !== height - 2n) return undefined;
  const ns = commitTimeFloorNs(commit, validators);
  return ns === undefined ? undefined : { height, ns };
}

/**
 * The floor for the height after `lastHeight`, read from the block store (after a restart, or
 * block sync, as from the blocks themselves); undefined when the commit is pruned or too early.
 */
export async function loadTimeFloor(
  store: Pick<BlockStoreReader, "loadCommit" | "loadValidators">,
  lastHeight: bigint,
  initialHeight: bigint,
): Promise<TimeFloor | undefined> {
  const anchor = lastHeight - 1n;
  if (anchor < initialHeight) return undefined;
  return timeFloorFor(lastHeight + 1n, await store.loadCommit(anchor), await store.loadValidators(anchor));
}

/**
 * Why a new proposal's block time is untimely, or undefined: more than MAX_PROPOSAL_AHEAD_MS
 * ahead of `nowMs`, or more than MAX_PROPOSAL_BEHIND_MS before the floor (when there is one
 * for this height).
 */
export function untimelyProblem(
  height: bigint,
  timeNs: bigint,
  nowMs: number,
  floor: TimeFloor | undefined,
): string | undefined {
  const aheadMs = (timeNs - BigInt(Math.floor(nowMs)) * 1_000_000n) / 1_000_000n;
  if (aheadMs > BigInt(MAX_PROPOSAL_AHEAD_MS))
    return `block time ${aheadMs} ms ahead of this node's clock (at most ${MAX_PROPOSAL_AHEAD_MS} ms)`;
  if (floor === undefined || floor.height !== height) return undefined;
  const behindMs = (floor.ns - timeNs) / 1_000_000n;
  if (behindMs > BigInt(MAX_PROPOSAL_BEHIND_MS))
    return `block time ${behindMs} ms before the precommits of height ${height - 2n} (at most ${MAX_PROPOSAL_BEHIND_MS} ms)`;
  return undefined;
}
