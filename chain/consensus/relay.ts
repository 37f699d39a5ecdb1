/**
 * What a node passes on when a height drags. Messages go only to direct peers, so a
 * validator that some peers have cut off (banned, still redialling, a half-healed
 * partition) is otherwise heard only by those still connected to it, and +2/3 may be split
 * between nodes that never hear each other. Passed on: the proposal and the votes held of
 * this round and the one before, and the last height's commit as the precommits it is made
 * of (a peer still in that height decides it and joins this one). Receivers check every
 * signature as usual; what they hold already is a duplicate.
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
  for (const round of [cs.round - 1, cs.round]) {
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
  return out;
}
