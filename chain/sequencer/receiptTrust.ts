/**
 * Whether a client may rely on a receipt a node handed it: the node is not trusted, so the
 * receipt is checked as `strike receipt verify` does (the sequencer's signature over it,
 * on the chain expected when given) and against the result it promises
 * (receiptTrades.ts). What `strike tx … --wait sequenced` and `strike receipt watch` print
 * beside every receipt.
 */
import { isStrikeError } from "../types/errors.js";
import { verifyReceiptJson } from "./client.js";
import { falseFills } from "./receiptTrades.js";

export type ReceiptTrust = { valid: true } | { valid: false; problem: string };

export function checkReceiptJson(json: unknown, chainId?: string): ReceiptTrust {
  let receipt;
  try {
    receipt = verifyReceiptJson(json, chainId === undefined ? {} : { chainId });
  } catch (e) {
    if (!isStrikeError(e)) throw e;
    return { valid: false, problem: `it does not verify: ${e.message}` };
  }
  const lie = falseFills(receipt);
  return lie === undefined
    ? { valid: true }
    : { valid: false, problem: `the receipt contradicts itself (a slashable lie): ${lie}` };
}
