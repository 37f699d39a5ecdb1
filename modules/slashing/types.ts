/**
 * What begin block needs from consensus about the previous block (ABCI's
 * `decided_last_commit` and `misbehavior`); the shapes are the runtime's.
 */
import type { LastCommitInfo, Misbehavior } from "../../chain/types/abci.js";

export type { LastCommitInfo, Misbehavior, MisbehaviorType, VoteInfo } from "../../chain/types/abci.js";

export interface CometInfo {
  lastCommit: LastCommitInfo;
  misbehavior: readonly Misbehavior[];
}
