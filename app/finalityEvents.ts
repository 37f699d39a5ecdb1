/**
 * Soft-finality news on the websocket: every receipt this node signs or relays, and every
 * step of a tx's finality ladder, published on the event bus so `subscribe` can stream
 * them with CometBFT's query language:
 *
 *   tm.event='Receipt'                                   every receipt (rejections included)
 *   tm.event='Receipt' AND receipt.account='strike1…'    one account's receipts
 *   tm.event='Receipt' AND receipt.stage='reverted'      also: sequenced, rejected, committed
 *   tm.event='TxStatus' AND tx.hash='<HEX>'              one tx's ladder, step by step
 *   tm.event='TxStatus' AND tx_status.account='strike1…' an account's txs up the ladder
 *
 * Nothing is built while no subscription could match (a client following blocks only costs
 * no receipt or ladder event).
 */
import type { EventBus } from "../chain/indexer/types.js";
import { receiptToJson } from "../chain/sequencer/receiptJson.js";
import { txStatusJson } from "../chain/sequencer/ladderJson.js";
import type { Sequencing } from "../chain/sequencer/service.js";
import { toHex } from "../chain/types/bytes.js";

export function publishFinalityEvents(sequencing: Pick<Sequencing, "receipts" | "ladder">, bus: EventBus): void {
  const { receipts, ladder } = sequencing;
  receipts.onChange((r) => {
    if (!bus.wants("Receipt")) return;
    const accounts = ladder.accountsOf(r.receipt.txHash);
    const hash = toHex(r.receipt.txHash).toUpperCase();
    bus.publish({
      type: "Receipt",
      value: { ...receiptToJson(r.signed, r.stage), accounts },
      attributes: new Map<string, readonly string[]>([
        ["tx.hash", [hash]],
        ["receipt.account", accounts],
        ["receipt.stage", [r.stage]],
        ["receipt.height", [r.receipt.height.toString()]],
        ["receipt.sequencer", [toHex(r.receipt.sequencerAddress).toUpperCase()]],
      ]),
    });
  });
  ladder.onUpdate((l, step) => {
    if (!bus.wants("TxStatus")) return;
    bus.publish({
      type: "TxStatus",
      value: txStatusJson(l, ladder.settlement),
      attributes: new Map<string, readonly string[]>([
        ["tx.hash", [l.hash]],
        ["tx_status.account", l.accounts],
        ["tx_status.stage", [step.stage]],
      ]),
    });
  });
}
