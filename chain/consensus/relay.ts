/**
 * What a node passes on when a height drags. Messages go only to direct peers, so a
 * validator that some peers have cut off (banned, still redialling, a half-healed
 * partition) is otherwise heard only by those still connected to it, and +2/3 may be split
 * between nodes that never hear each other. Passed on: the proposal and the votes held of
 * this round and the one before, the prevotes of the proof-of-lock rounds in play however
 * old (polRounds), and the last height's commit as the precommits it is made of (a peer
 * still in that height decides it and joins this one). Receivers check every signature as
 * usual; what they hold already is a duplicate.
 */
import type { Commit, Vote } from "../types/block.js";
import { equalBytes } from "../types/bytes.js";
import type { ProposerSelection } from "./proposer.js";
import type { ConsensusState } from "./reducerTypes.js";
import type { ConsensusMessage } from "./types.js";
import { blockIdKey } from "./voteSet.js";

/** A height lasting longer than this has its held proposal and votes passed on to peers. */
export const RELAY_AFTER_MS = 2_000;

/** CometBFT's BlockIDFlag values in a commit's signatures. */
const BLOCK_ID_FLAG_ABSENT = 1;
const BLOCK_ID_FLAG_COMMIT = 2;

/** The precommits a commit is made of, as votes (absent signers left out). */
export function commitVotes(commit: Commit): Vote[] {
  const votes: Vote[] = [];
  commit.signatures.forEach((sig, validatorIndex) => {
    if (sig.blockIdFlag === BLOCK_ID_FLAG_ABSENT) return;
    votes.push({
      type: 2,
      height: commit.height,
      round: commit.round,
      blockId: sig.blockIdFlag === BLOCK_ID_FLAG_COMMIT ? commit.blockId : undefined,
      timestamp: sig.timestamp,
      validatorAddress: sig.validatorAddress,
      validatorIndex,
      signature: sig.signature,
    });
  });
  return votes;
}

/** Others' messages of the current height (and the last commit) that this node holds; its own are re-sent anyway. */
export function heldMessages(
  cs: ConsensusState,
  lastCommit: Commit,
  selection: ProposerSelection,
  self: Uint8Array | undefined,
): ConsensusMessage[] {
  const mine = (address: Uint8Array) => self !== undefined && equalBytes(address, self);
  const out: ConsensusMessage[] = [];
  if (lastCommit.height === cs.height - 1n)
    for (const vote of commitVotes(lastCommit)) out.push({ kind: "vote", vote });
  const rounds = [cs.round - 1, cs.round];
  for (const round of rounds) {
    if (round < 0) continue;
    const p = cs.proposals.get(round);
    const pb = p === undefined ? undefined : cs.blocks.get(blockIdKey(p.blockId));
    if (p !== undefined && pb !== undefined && !mine(selection.proposer(round).address)) {
      out.push({ kind: "proposal", proposal: p, block: pb.block });
    }
    for (const sets of [cs.prevotes, cs.precommits]) {
      for (const vote of sets.get(round)?.allVotes() ?? []) {
        if (vote !== undefined && !mine(vote.validatorAddress)) out.push({ kind: "vote", vote });
      }
    }
  }
  for (const round of polRounds(cs)) {
    if (rounds.includes(round)) continue;
    for (const vote of cs.prevotes.get(round)?.allVotes() ?? []) {
      if (vote !== undefined && !mine(vote.validatorAddress)) out.push({ kind: "vote", vote });
    }
  }
  return out;
}

/**
 * Rounds whose prevotes a peer may need to prevote a proposal: the proof-of-lock rounds the
 * held proposals cite, and the rounds of our own lock and valid value (the round we cite
 * when we propose). A peer that missed those prevotes, being down or cut off then, cannot
 * get them from a validator that is down now; without them it prevotes nil against a locked
 * +1/3 for ever.
 */
function polRounds(cs: ConsensusState): number[] {
  const out = new Set<number>();
  for (const round of [cs.round - 1, cs.round]) {
    const pol = cs.proposals.get(round)?.polRound ?? -1;
    if (pol >= 0) out.add(pol);
  }
  if (cs.lockedRound >= 0) out.add(cs.lockedRound);
  if (cs.validRound >= 0) out.add(cs.validRound);
  return [...out].sort((x, y) => x - y);
}
