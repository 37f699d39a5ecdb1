/**
 * The precommits of the last decided height that arrive after the decision. A height is
 * decided on the first +2/3 precommits for its block; the others arrive a moment later,
 * while the commit timeout runs. CometBFT adds them to the last commit the next proposal
 * carries, and so does this: the next height's begin-block counts a validator whose
 * precommit is absent from that commit as having missed the block (slashing's liveness
 * window), so a validator whose precommit is always the last to arrive — a slower machine, a
 * farther peer — would be recorded as missing every block it signed, and jailed for it.
 *
 * Only precommits of the decided round, for the decided block or for nil (as the commit
 * built at the decision takes them), each verified once. Once a proposal of the next height
 * has taken its last commit from here (`seal`), nothing is added any more: a later round's
 * proposal by the same validator must carry the same commit as its first.
 */
import type { BlockId, Commit, Validator, Vote } from "../types/block.js";
import { equalBytes } from "../types/bytes.js";
import { verifyEd25519 } from "../crypto/ed25519.js";
import { commitFromPrecommits } from "./blockFactory.js";
import { voteSignBytes } from "./encoding.js";
import { blockIdKey } from "./voteSet.js";

/** What becomes of a precommit offered for the decided height. */
export type LateVerdict = { kind: "added" } | { kind: "ignore" } | { kind: "reject"; reason: string };

export class LatePrecommits {
  private sealed = false;
  private readonly precommits: (Vote | undefined)[];
  private readonly blockKey: string;

  constructor(
    readonly height: bigint,
    readonly round: number,
    readonly blockId: BlockId,
    private readonly validators: readonly Validator[],
    decidedOn: readonly (Vote | undefined)[],
  ) {
    this.precommits = validators.map((_, i) => decidedOn[i]);
    this.blockKey = blockIdKey(blockId);
  }

  /** A vote of the decided height: added when it is a new, valid precommit of the decided round. */
  offer(chainId: string, v: Vote): LateVerdict {
    if (v.height !== this.height || v.type !== 2 || v.round !== this.round || this.sealed) return { kind: "ignore" };
    const val = this.validators[v.validatorIndex];
    if (val === undefined || !equalBytes(val.address, v.validatorAddress)) {
      return { kind: "reject", reason: "a vote of no validator of this height" };
    }
    if (this.precommits[v.validatorIndex] !== undefined) return { kind: "ignore" };
    // A precommit for another block counts as absent in the commit: not worth a verification.
    if (v.blockId !== undefined && blockIdKey(v.blockId) !== this.blockKey) return { kind: "ignore" };
    if (!verifyEd25519(val.pubKey, voteSignBytes(chainId, v), v.signature)) {
      return { kind: "reject", reason: "a vote with a bad signature" };
    }
    this.precommits[v.validatorIndex] = v;
    return { kind: "added" };
  }

  /** The commit a proposal of the next height carries: every precommit held now; none is added after. */
  seal(): Commit {
    this.sealed = true;
    return commitFromPrecommits(this.height, this.round, this.blockId, this.validators, this.precommits);
  }
}
