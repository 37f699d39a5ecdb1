import type { FinalizeBlockResponse } from "../types/abci.js";
import type { Block, BlockId, Commit, Validator } from "../types/block.js";

/** A decided block with everything stored and published alongside it. */
export interface CommittedBlock {
  block: Block;
  blockId: BlockId;
  /** The +2/3 precommits that decided it (CometBFT's "seen commit"). */
  commit: Commit;
  results: FinalizeBlockResponse;
  /** The set that signed this block, in canonical order with its proposer priorities. */
  validators: Validator[];
}
