/** Receipts for unit tests: a fixed sequencer and another validator, and a sequenced receipt for a tx. */
import {
  ReceiptStatus,
  type Receipt,
  type SignedReceipt,
} from "../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { createEd25519Signer, ed25519Address } from "../../chain/crypto/ed25519.js";
import { sha256 } from "../../chain/crypto/hash.js";
import { signReceipt } from "../../chain/sequencer/receipt.js";
import { resultHashOf } from "../../chain/sequencer/receiptStore.js";
import { okTxResult } from "./txResults.js";

export const RECEIPT_CHAIN = "strike-test-1";
/** The sequencer that signs by default. */
export const seq = createEd25519Signer(new Uint8Array(32).fill(7));
/** Another validator. */
export const other = createEd25519Signer(new Uint8Array(32).fill(9));

/** `signer`'s receipt promising `tx` at (height, index) with a successful result. */
export function receiptFor(
  tx: Uint8Array,
  height: bigint,
  index = 0,
  signer = seq,
): { signed: SignedReceipt; receipt: Receipt } {
  const receipt: Receipt = {
    chainId: RECEIPT_CHAIN,
    height,
    index,
    txHash: sha256(tx),
    code: 0,
    codespace: "",
    resultHash: resultHashOf(okTxResult),
    fills: [],
    sequencerAddress: ed25519Address(signer.publicKey),
    epoch: 1n,
    previousReceiptHash: new Uint8Array(0),
    status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
    log: "",
    data: new Uint8Array(0),
    gasWanted: 0n,
    gasUsed: 0n,
  };
  return { signed: signReceipt(receipt, signer), receipt };
}
