/**
 * A receipt checked against the chain: `honoured` (the committed block at its height,
 * proposed by its signer, holds its tx at its index with its result and fills),
 * `pending` (that height is not committed yet), `reverted` (another validator proposed
 * that height: the sequencer failed, a liveness fault; the tx is sequenced again), or
 * `violated` (its signer proposed the block and it differs: slashable, see issue 10
 * part 5). A signed rejection is `rejected`: it promised nothing to check here.
 * Pure: the caller fetches the block and its results (the CLI over JSON-RPC).
 */
import { sha256 } from "../crypto/hash.js";
import type { TxResult } from "../types/abci.js";
import { equalBytes, toHex } from "../types/bytes.js";
import { Fill } from "../codec/generated/strike/sequencer/v1/receipt.js";
import { fillsFromEvents } from "./fills.js";
import { ReceiptStatus, type Receipt } from "./receipt.js";
import { resultHashOf } from "./receiptStore.js";

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

/** `block` is the committed block at receipt.height, or undefined when that height is not committed yet. */
export function checkReceipt(receipt: Receipt, block: CommittedHeight | undefined): ReceiptCheck {
  if (receipt.status === ReceiptStatus.RECEIPT_STATUS_REJECTED)
    return {
      verdict: "rejected",
      reason: `a signed rejection (code ${receipt.code}): the tx was refused, not sequenced`,
    };
  if (block === undefined) return { verdict: "pending", reason: `height ${receipt.height} is not committed yet` };
  if (!equalBytes(block.proposer, receipt.sequencerAddress))
    return {
      verdict: "reverted",
      reason: `height ${receipt.height} was proposed by ${hex(block.proposer)}, not by the receipt's sequencer ${hex(receipt.sequencerAddress)}: the sequencer failed and the tx is sequenced again`,
    };
  const at = `height ${receipt.height} index ${receipt.index}`;
  const tx = block.txs[receipt.index];
  const result = block.results[receipt.index];
  if (tx === undefined || result === undefined)
    return { verdict: "violated", reason: `the block has ${block.txs.length} txs: none at index ${receipt.index}` };
  if (!equalBytes(sha256(tx), receipt.txHash))
    return { verdict: "violated", reason: `${at} holds tx ${hex(sha256(tx))}, not ${hex(receipt.txHash)}` };
  if (result.code !== receipt.code || result.codespace !== receipt.codespace)
    return {
      verdict: "violated",
      reason: `${at}: result code ${result.codespace}/${result.code}, receipt promised ${receipt.codespace}/${receipt.code}`,
    };
  if (!equalBytes(resultHashOf(result), receipt.resultHash))
    return { verdict: "violated", reason: `${at}: the result hash differs from the receipt's` };
  const fills = fillsFromEvents(result.events);
  const same =
    fills.length === receipt.fills.length &&
    fills.every((f, i) => equalBytes(Fill.encode(f).finish(), Fill.encode(receipt.fills[i]!).finish()));
  if (!same)
    return {
      verdict: "violated",
      reason: `${at}: ${fills.length} fill(s) committed differ from the ${receipt.fills.length} receipted`,
    };
  return { verdict: "honoured", reason: `${at} holds the tx with the promised result and fills` };
}
