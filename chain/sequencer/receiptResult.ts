/**
 * What a tx returned, read from its receipt before the commit: the result data (TxMsgData)
 * with the gas figures that complete the deterministic result bytes. A client takes them
 * only when those bytes hash to the receipt's result_hash, the value the committed block is
 * judged against (receiptVerdict.ts) and a violation is proven with; so the data is as
 * binding as the receipt. From it, the ids of the orders the tx placed: what a market maker
 * needs to cancel or replace a quote that rests, without waiting for the block.
 */
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { MsgPlaceOrderResponse } from "../codec/generated/strike/orderbook/v1/tx.js";
import { equalBytes } from "../types/bytes.js";
import { ReceiptStatus, type Receipt } from "./receipt.js";
import { resultHashOf } from "./receiptVerdict.js";

const PLACE_ORDER_RESPONSE = "/strike.orderbook.v1.MsgPlaceOrderResponse";

/** The receipt's result data, when it is exactly what result_hash covers; undefined otherwise (and for a rejection). */
export function provenResultData(r: Receipt): Uint8Array | undefined {
  if (r.status !== ReceiptStatus.RECEIPT_STATUS_SEQUENCED) return undefined;
  const hash = resultHashOf({
    code: r.code,
    codespace: r.codespace,
    log: "",
    info: "",
    data: r.data,
    gasWanted: r.gasWanted,
    gasUsed: r.gasUsed,
    events: [],
  });
  return equalBytes(hash, r.resultHash) ? r.data : undefined;
}

/** An order a tx placed, as its message's response says (sizes as decimals of the market). */
export interface PlacedOrder {
  /** Index of the tx message that placed it. */
  msgIndex: number;
  orderId: bigint;
  /** "filled", "rests", "cancelled_remainder" or "triggered_later". */
  status: string;
  filled: string;
  remaining: string;
}

/** The orders the tx placed, from its proven result data; empty when there is none, or it does not decode. */
export function placedOrders(r: Receipt): PlacedOrder[] {
  const data = provenResultData(r);
  if (data === undefined || data.length === 0) return [];
  let responses: ReturnType<typeof TxMsgData.decode>["msgResponses"];
  try {
    responses = TxMsgData.decode(data).msgResponses;
  } catch {
    return [];
  }
  const out: PlacedOrder[] = [];
  responses.forEach((any, msgIndex) => {
    if (any.typeUrl !== PLACE_ORDER_RESPONSE) return;
    try {
      const p = MsgPlaceOrderResponse.decode(any.value);
      out.push({ msgIndex, orderId: p.orderId, status: p.status, filled: p.filled, remaining: p.remaining });
    } catch {
      // A response that does not decode names no order.
    }
  });
  return out;
}
