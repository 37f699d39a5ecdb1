import { registerError } from "../types/errors.js";

/** Errors of soft finality: receipts that do not verify, and txs the sequencer cannot take now. */
export const sequencerErrors = {
  malformedReceipt: registerError("sequencer", 2, "malformed receipt"),
  badReceiptSignature: registerError("sequencer", 3, "receipt signature does not verify"),
  wrongChain: registerError("sequencer", 4, "receipt is for another chain"),
  wrongSigner: registerError("sequencer", 5, "receipt was not signed by the expected sequencer"),
  notSequencer: registerError("sequencer", 6, "this node is not the sequencer"),
  receiptNotFound: registerError("sequencer", 7, "no receipt for this tx"),
  nonCanonicalReceipt: registerError("sequencer", 8, "receipt bytes are not in canonical protobuf form"),
  // 20+: receipt checking (receiptCheck.ts), numbered apart from the codes above.
  inconsistentBlock: registerError("sequencer", 20, "the node's block does not match its header roots"),
} as const;
