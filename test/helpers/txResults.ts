import { fillsFromEvents } from "../../chain/sequencer/fills.js";
import { ReceiptStatus, type Receipt } from "../../chain/sequencer/receipt.js";
import { resultHashOf } from "../../chain/sequencer/receiptVerdict.js";
import type { TxResult } from "../../chain/types/abci.js";

/** A successful tx result with no data or events, for tests that only need one to exist. */
export const okTxResult: TxResult = Object.freeze({
  code: 0,
  codespace: "",
  log: "",
  info: "",
  data: new Uint8Array(0),
  gasWanted: 100n,
  gasUsed: 90n,
  events: [],
});

/**
 * The receipt a sequencer signs for a tx with `result` (unsigned): its code, result hash,
 * data and gas, and its fills read from the result's events as chain/sequencer/fills.ts
 * reads them; `over` changes any field.
 */
export function sequencedReceiptOf(result: TxResult, over: Partial<Receipt> = {}): Receipt {
  return {
    chainId: "c",
    height: 5n,
    index: 0,
    txHash: new Uint8Array(32),
    code: result.code,
    codespace: result.codespace,
    resultHash: resultHashOf(result),
    fills: fillsFromEvents(result.events),
    sequencerAddress: new Uint8Array(20),
    epoch: 0n,
    previousReceiptHash: new Uint8Array(0),
    status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
    log: "",
    data: result.data,
    gasWanted: result.gasWanted,
    gasUsed: result.gasUsed,
    ...over,
  };
}
