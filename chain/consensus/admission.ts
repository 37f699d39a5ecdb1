/**
 * Admission of a peer's consensus message, split from the driver: a pure verdict on what to
 * do with it given the current state. Everything cheap and bounded comes first (height,
 * round), then the signature; only an authenticated message reaches work that grows with its
 * fields (proposer selection for its round). The driver executes the verdict.
 */
import type { BlockId } from "../types/block.js";
import { equalBytes } from "../types/bytes.js";
import { verifyEd25519 } from "../crypto/ed25519.js";
import { blockIdOf } from "./blockFactory.js";
import { proposalSignBytes, voteSignBytes } from "./encoding.js";
import type { ProposerSelection, ValidatorSet } from "./proposer.js";
import type { ConsensusEvent, ConsensusState } from "./reducerTypes.js";
import type { ConsensusMessage } from "./types.js";
import { blockIdKey } from "./voteSet.js";

/**
 * Votes and proposals for a round further ahead of ours than this are dropped and their
 * sender scored down: with growing timeouts an honest network needs years to get that far,
 * and it bounds what proposer selection may be asked to compute for one message.
 */
export const MAX_ROUNDS_AHEAD = 10_000;

/** What the driver does with a message. */
export type Admission =
  | { kind: "ignore" }
  | { kind: "reject"; reason: string }
  /** Signed message of the next height: held until that height starts. */
  | { kind: "future" }
  | { kind: "evidence" }
  | { kind: "feed"; event: ConsensusEvent };

export interface AdmissionContext {
  chainId: string;
  cs: ConsensusState;
  set: ValidatorSet;
  selection: ProposerSelection;
}

export function messageHeight(m: ConsensusMessage): bigint {
  switch (m.kind) {
    case "vote":
      return m.vote.height;
    case "proposal":
      return m.proposal.height;
    case "evidence":
      return m.voteA.height;
    case "block":
      return m.block.header.height;
  }
}

/** Whether a verified vote or proposal of the current height names this block. */
export function votesName(cs: ConsensusState, blockId: BlockId): boolean {
  const key = blockIdKey(blockId);
  for (const p of cs.proposals.values()) if (blockIdKey(p.blockId) === key) return true;
  for (const sets of [cs.prevotes, cs.precommits]) {
    for (const vs of sets.values()) if (vs.powerFor(blockId) > 0n) return true;
  }
  return false;
}

export function admit(m: ConsensusMessage, c: AdmissionContext): Admission {
  const { cs, set } = c;
  if (m.kind === "evidence") return { kind: "evidence" };
  const h = messageHeight(m);
  if (h < cs.height || (h === cs.height && cs.step === "commit")) return { kind: "ignore" };
  if (h > cs.height) {
    // Peers ahead of us send their height's messages; beyond the next height they are of
    // no use (block sync catches us up) and are not kept. Honest when we lag: no penalty.
    if (h !== cs.height + 1n) return { kind: "ignore" };
    // What is wrong whatever state the next height starts in costs the sender now.
    if (m.kind === "block") return { kind: "reject", reason: `an unsigned block for height ${h}, which we are not in` };
    const round = m.kind === "vote" ? m.vote.round : m.proposal.round;
    if (!Number.isSafeInteger(round) || round < 0 || round > MAX_ROUNDS_AHEAD) {
      return { kind: "reject", reason: `round ${round} is too far ahead for height ${h}` };
    }
    return { kind: "future" };
  }
  if (m.kind === "block") {
    // Unsigned: useful only as the block that votes we verified name (and do not have yet).
    const blockId = blockIdOf(m.block);
    if (cs.blocks.has(blockIdKey(blockId))) return { kind: "ignore" };
    if (!votesName(cs, blockId)) return { kind: "reject", reason: "a block no vote of this height names" };
    return { kind: "feed", event: { kind: "block", height: h, block: m.block, blockId } };
  }
  const round = m.kind === "vote" ? m.vote.round : m.proposal.round;
  if (!Number.isSafeInteger(round) || round < 0 || round > cs.round + MAX_ROUNDS_AHEAD) {
    return { kind: "reject", reason: `round ${round} is too far from ours (${cs.round})` };
  }
  if (m.kind === "vote") {
    const v = m.vote;
    const val = set.validators[v.validatorIndex];
    if (val === undefined || !equalBytes(val.address, v.validatorAddress)) {
      return { kind: "reject", reason: "a vote of no validator of this height" };
    }
    if (!verifyEd25519(val.pubKey, voteSignBytes(c.chainId, v), v.signature)) {
      return { kind: "reject", reason: "a vote with a bad signature" };
    }
    return { kind: "feed", event: { kind: "vote", vote: v } };
  }
  const p = m.proposal;
  if (p.polRound < -1 || p.polRound >= p.round)
    return { kind: "reject", reason: `proposal with pol round ${p.polRound}` };
  const signBytes = proposalSignBytes(c.chainId, p);
  if (p.round > cs.round) {
    // Selection for a round we have not reached computes ahead: authenticate first.
    const signerFound = set.validators.some((v) => verifyEd25519(v.pubKey, signBytes, p.signature));
    if (!signerFound) return { kind: "reject", reason: "a proposal signed by no validator" };
  }
  const proposer = c.selection.proposer(p.round);
  if (!verifyEd25519(proposer.pubKey, signBytes, p.signature)) {
    return { kind: "reject", reason: "a proposal not signed by the round's proposer" };
  }
  if (blockIdKey(blockIdOf(m.block)) !== blockIdKey(p.blockId)) {
    return { kind: "reject", reason: "a proposal whose block is not the one it names" };
  }
  return { kind: "feed", event: { kind: "proposal", proposal: p, block: m.block } };
}
