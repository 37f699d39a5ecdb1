/**
 * Why a node has no receipt for a tx it was just given, in words a client can act on: an
 * answer of `broadcast_tx_sync` without its receipt says which step it is waiting on, and
 * where to get the receipt later. Node-local view; nothing here reaches consensus state.
 */

export type MissingReceiptReason =
  /** CheckTx refused it here (and the sequencer signed no rejection): it went nowhere. */
  | "not_admitted"
  /** The sequencer schedule has not started (no block committed yet). */
  | "no_sequencer"
  /** This node is the sequencer, but no height is open (its block in consensus, or full): the tx waits for the next one. */
  | "awaiting_height"
  /** This node is not the sequencer and has no peer to forward the tx through. */
  | "no_peers"
  /** Forwarded to the sequencer; its receipt has not reached this node yet. */
  | "forwarded";

export interface MissingReceiptJson {
  reason: MissingReceiptReason;
  message: string;
  /** How long the node waited for the receipt (ms). */
  waited_ms: number;
  /** The current sequencer's consensus address (hex), when one is known. */
  sequencer?: string;
}

export interface MissingReceiptFacts {
  /** CheckTx admitted the tx on this node. */
  admitted: boolean;
  waitedMs: number;
  /** The current epoch's sequencer, when the schedule has one. */
  sequencer: { address: string; isSelf: boolean } | undefined;
  /** The height open for sequencing on this node (only when it is the sequencer). */
  openHeight: bigint | undefined;
  /** Connected peers; undefined when unknown. */
  peers: number | undefined;
}

const LATER = "fetch it with strike_receipt (wait_ms up to 10000) or `strike tx status <hash> --watch`";

export function missingReceipt(f: MissingReceiptFacts): MissingReceiptJson {
  const base = { waited_ms: Math.round(f.waitedMs), ...(f.sequencer ? { sequencer: f.sequencer.address } : {}) };
  if (!f.admitted)
    return {
      ...base,
      reason: "not_admitted",
      message: "CheckTx refused the tx on this node (see code and log): it was not forwarded to the sequencer",
    };
  if (f.sequencer === undefined)
    return {
      ...base,
      reason: "no_sequencer",
      message: `no sequencer is known yet (the schedule starts with the first block): the tx waits in the mempool; ${LATER}`,
    };
  if (f.sequencer.isSelf)
    return {
      ...base,
      reason: "awaiting_height",
      message:
        f.openHeight === undefined
          ? `this node is the sequencer but has no height open (its block is in consensus): the tx is sequenced when the next height opens; ${LATER}`
          : `this node is the sequencer, sequencing height ${f.openHeight}, and the tx is queued behind that block (full or paused): it is sequenced at the next height; ${LATER}`,
    };
  if (f.peers === 0)
    return {
      ...base,
      reason: "no_peers",
      message: `this node is not the sequencer and has no peers: the tx cannot reach the sequencer ${f.sequencer.address} until a peer connects`,
    };
  return {
    ...base,
    reason: "forwarded",
    message: `forwarded to the sequencer ${f.sequencer.address}; its receipt had not reached this node within ${base.waited_ms} ms; ${LATER}`,
  };
}
