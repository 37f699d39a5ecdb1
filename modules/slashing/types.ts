/**
 * What begin block needs from consensus about the previous block (ABCI's
 * `decided_last_commit` and `misbehavior`), in the shape slashing reads it.
 */
import type { Timestamp } from "../../chain/types/abci.js";

/** One validator's vote in the last commit. */
export interface VoteInfo {
  /** Consensus address: sha256(pubkey)[:20]. */
  validatorAddress: Uint8Array;
  power: bigint;
  /** False when the block's commit has no precommit of this validator for the block (absent or nil). */
  signed: boolean;
}

export interface LastCommitInfo {
  votes: readonly VoteInfo[];
}

export type MisbehaviorType = "duplicate_vote" | "light_client_attack";

/** Evidence of equivocation that consensus committed in this block. */
export interface Misbehavior {
  type: MisbehaviorType;
  validatorAddress: Uint8Array;
  /** The validator's power at the infraction height. */
  power: bigint;
  height: bigint;
  time: Timestamp;
  totalVotingPower: bigint;
}

export interface CometInfo {
  lastCommit: LastCommitInfo;
  misbehavior: readonly Misbehavior[];
}
