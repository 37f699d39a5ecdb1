/**
 * A receipt checked against the chain: `honoured` (the committed block at its height,
 * proposed by its signer, holds its tx at its index with its result and fills),
 * `pending` (that height is not committed yet), `reverted` (another validator proposed
 * that height: the sequencer failed, a liveness fault; the tx is sequenced again), or
 * `violated` (its signer proposed the block and it differs: slashable, see issue 10
 * part 5). A signed rejection is `rejected`: it promised nothing to check here.
 * Pure: the caller fetches the block and its results (the CLI over JSON-RPC).
 */
import { deterministicResultBytes } from "../consensus/encoding.js";
import { sha256 } from "../crypto/hash.js";
import type { TxResult } from "../types/abci.js";
import { equalBytes, toHex } from "../types/bytes.js";
import { Fill } from "../codec/generated/strike/sequencer/v1/receipt.js";
import { fillsFromEvents } from "./fills.js";
import { ReceiptStatus, type Receipt } from "./receipt.js";
import { encodeMessage } from "../codec/encode.js";

/** sha256 of a result's deterministic bytes: the leaf under the next header's last_results_hash. */
export function resultHashOf(r: TxResult): Uint8Array {
  return sha256(deterministicResultBytes(r));
}

export type ReceiptVerdict = "honoured" | "pending" | "reverted" | "violated" | "rejected";

export interface CommittedHeight {
  height: bigint;
  proposer: Uint8Array;
  txs: readonly Uint8Array[];
  results: readonly TxResult[];
}

export interface ReceiptCheck {
  verdict: ReceiptVerdict;
  /** Why, for people: what matched or which field differs. */
  reason: string;
}

const hex = (b: Uint8Array) => toHex(b).toUpperCase();

/**
 * What a committed height shows at a receipt's slot. A client with the full block results
 * gives `result` too (code, codespace and fills are checked); one with only the results
 * tree's leaves (the evidence checker, which proves against the header roots) gives the
 * hashes, and the result hash covers the code and data.
 */
export interface CommittedSlotView {
  height: bigint;
  proposer: Uint8Array;
  txCount: number;
  /** The tx hash at the receipt's index; undefined when the block has no tx there. */
  txHash?: Uint8Array;
  /** sha256 of the deterministic result bytes at the receipt's index. */
  resultHash?: Uint8Array;
  result?: TxResult;
}

/**
 * The one rule of a sequenced receipt against its committed height: `reverted` when another
 * validator proposed the height, `violated` when its signer did and the slot differs in
 * tx, result or fills (`slot` says whether the block has the index at all), else `honoured`.
 */
export function judgeSlot(
  receipt: Receipt,
  view: CommittedSlotView,
): { verdict: "honoured" | "reverted" | "violated"; reason: string; slot: boolean } {
  if (!equalBytes(view.proposer, receipt.sequencerAddress))
    return {
      verdict: "reverted",
      slot: false,
      reason: `height ${receipt.height} was proposed by ${hex(view.proposer)}, not by the receipt's sequencer ${hex(receipt.sequencerAddress)}: the sequencer failed and the tx is sequenced again`,
    };
  const at = `height ${receipt.height} index ${receipt.index}`;
  const violated = (reason: string) => ({ verdict: "violated" as const, slot: true, reason });
  if (view.txHash === undefined || view.resultHash === undefined)
    return {
      verdict: "violated",
      slot: false,
      reason: `the block has ${view.txCount} txs: none at index ${receipt.index}`,
    };
  if (!equalBytes(view.txHash, receipt.txHash))
    return violated(`${at} holds tx ${hex(view.txHash)}, not ${hex(receipt.txHash)}`);
  const result = view.result;
  if (result !== undefined && (result.code !== receipt.code || result.codespace !== receipt.codespace))
    return violated(
      `${at}: result code ${result.codespace}/${result.code}, receipt promised ${receipt.codespace}/${receipt.code}`,
    );
  if (!equalBytes(view.resultHash, receipt.resultHash))
    return violated(`${at}: the result hash differs from the receipt's`);
  if (result !== undefined) {
    const fills = fillsFromEvents(result.events);
    const same =
      fills.length === receipt.fills.length &&
      fills.every((f, i) => equalBytes(encodeMessage(Fill, f), encodeMessage(Fill, receipt.fills[i]!)));
    if (!same)
      return violated(`${at}: ${fills.length} fill(s) committed differ from the ${receipt.fills.length} receipted`);
  }
  return { verdict: "honoured", slot: true, reason: `${at} holds the tx with the promised result and fills` };
}

/**
 * Whether a tx and its result, in a block of the receipt's own sequencer, are exactly what
 * the receipt promised (tx, code, codespace, result hash, fills): judgeSlot's `honoured`.
 */
export function honours(receipt: Receipt, tx: Uint8Array, result: TxResult): boolean {
  return (
    judgeSlot(receipt, {
      height: receipt.height,
      proposer: receipt.sequencerAddress,
      txCount: receipt.index + 1,
      txHash: sha256(tx),
      resultHash: resultHashOf(result),
      result,
    }).verdict === "honoured"
  );
}

/** `block` is the committed block at receipt.height, or undefined when that height is not committed yet. */
export function checkReceipt(receipt: Receipt, block: CommittedHeight | undefined): ReceiptCheck {
  if (receipt.status === ReceiptStatus.RECEIPT_STATUS_REJECTED)
    return {
      verdict: "rejected",
      reason: `a signed rejection (code ${receipt.code}): the tx was refused, not sequenced`,
    };
  if (block === undefined) return { verdict: "pending", reason: `height ${receipt.height} is not committed yet` };
  const tx = block.txs[receipt.index];
  const result = block.results[receipt.index];
  const present = tx !== undefined && result !== undefined;
  const { verdict, reason } = judgeSlot(receipt, {
    height: block.height,
    proposer: block.proposer,
    txCount: block.txs.length,
    ...(present ? { txHash: sha256(tx), resultHash: resultHashOf(result), result } : {}),
  });
  return { verdict, reason };
}
