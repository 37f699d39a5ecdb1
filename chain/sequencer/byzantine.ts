/**
 * TESTS ONLY: a sequencer that breaks its word once, so that the enforcement path (client
 * checking, MsgReceiptViolation, slashing) can be tested on real nodes. Reached only through
 * the hidden `strike start --x-byzantine-sequencer-for-testing <mode>` flag, never from a
 * config file. Each mode misbehaves once, then the sequencer is honest again (so that the
 * violation report it must sequence is not swallowed too).
 */
import { sha256 } from "../crypto/hash.js";

export const BYZANTINE_MODES = ["drop", "reorder", "equivocate"] as const;
export type ByzantineMode = (typeof BYZANTINE_MODES)[number];

export interface ByzantineSequencing {
  /** The proposal's txs: in "drop" the first receipted tx is left out, in "reorder" the first two swap. */
  proposal(txs: readonly Uint8Array[]): Uint8Array[];
  /** In "equivocate": a second result hash to sign for the slot just receipted (a conflicting receipt). */
  conflictingResult(resultHash: Uint8Array): Uint8Array | undefined;
}

export function createByzantineSequencing(mode: ByzantineMode): ByzantineSequencing {
  let done = false;
  return {
    proposal(txs) {
      if (done || (mode === "drop" && txs.length < 1) || (mode === "reorder" && txs.length < 2)) return [...txs];
      if (mode === "drop") {
        done = true;
        return txs.slice(1);
      }
      if (mode === "reorder") {
        done = true;
        return [txs[1]!, txs[0]!, ...txs.slice(2)];
      }
      return [...txs];
    },
    conflictingResult(resultHash) {
      if (done || mode !== "equivocate") return undefined;
      done = true;
      return sha256(resultHash);
    },
  };
}
