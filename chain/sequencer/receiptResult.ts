/**
 * What a tx returned, read from its receipt before the commit: the result data (TxMsgData)
 * with the gas figures that complete the deterministic result bytes. A client takes them
 * only when those bytes hash to the receipt's result_hash, the value the committed block is
 * judged against (receiptVerdict.ts) and a violation is proven with; so the data is as
 * binding as the receipt. From it, the ids of the orders the tx placed: what a market maker
 * needs to cancel or replace a quote that rests, without waiting for the block.
 */
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import {
  MsgPlaceBundleResponse,
  MsgPlaceOrderResponse,
  MsgReplaceOrderResponse,
} from "../codec/generated/strike/orderbook/v1/tx.js";
import { equalBytes } from "../types/bytes.js";
import { ReceiptStatus, type Receipt } from "./receipt.js";
import { resultHashOf } from "./receiptVerdict.js";

const PLACE_ORDER_RESPONSE = "/strike.orderbook.v1.MsgPlaceOrderResponse";
const REPLACE_ORDER_RESPONSE = "/strike.orderbook.v1.MsgReplaceOrderResponse";
const PLACE_BUNDLE_RESPONSE = "/strike.orderbook.v1.MsgPlaceBundleResponse";

/** The hash of the result a receipt shows (code, data, gas wanted and used): what its result_hash must be. */
export function shownResultHash(r: Pick<Receipt, "code" | "codespace" | "data" | "gasWanted" | "gasUsed">): Uint8Array {
  return resultHashOf({
    code: r.code,
    codespace: r.codespace,
    log: "",
    info: "",
    data: r.data,
    gasWanted: r.gasWanted,
    gasUsed: r.gasUsed,
    events: [],
  });
}

/** The receipt's result data, when it is exactly what result_hash covers; undefined otherwise (and for a rejection). */
export function provenResultData(r: Receipt): Uint8Array | undefined {
  if (r.status !== ReceiptStatus.RECEIPT_STATUS_SEQUENCED) return undefined;
  return equalBytes(shownResultHash(r), r.resultHash) ? r.data : undefined;
}

/** The response of one order a tx placed, with the index of the message that placed it. */
export interface OrderResponse {
  msgIndex: number;
  response: MsgPlaceOrderResponse;
}

/**
 * Every order response in a tx's result data, in message order (a bundle's legs in leg
 * order): MsgPlaceOrder's, MsgReplaceOrder's (the same fields in a message of its own)
 * and MsgPlaceBundle's legs. These are the only messages that trade; their fills are
 * the tx's trades, in the order they were made. Undefined when the data or one of these
 * responses does not decode: then nothing can be said of the tx's trades.
 */
export function orderResponses(data: Uint8Array): OrderResponse[] | undefined {
  try {
    const out: OrderResponse[] = [];
    TxMsgData.decode(data).msgResponses.forEach((any, msgIndex) => {
      if (any.typeUrl === PLACE_ORDER_RESPONSE)
        out.push({ msgIndex, response: MsgPlaceOrderResponse.decode(any.value) });
      else if (any.typeUrl === REPLACE_ORDER_RESPONSE)
        out.push({ msgIndex, response: MsgReplaceOrderResponse.decode(any.value) });
      else if (any.typeUrl === PLACE_BUNDLE_RESPONSE)
        for (const leg of MsgPlaceBundleResponse.decode(any.value).legs) out.push({ msgIndex, response: leg });
    });
    return out;
  } catch {
    return undefined;
  }
}

/** An order a tx placed, as its message's response says (sizes as decimals of the market). */
export interface PlacedOrder {
  /** Index of the tx message that placed it (a bundle's legs share their message's). */
  msgIndex: number;
  orderId: bigint;
  /** "filled", "rests", "cancelled_remainder" or "untriggered". */
  status: string;
  filled: string;
  remaining: string;
}

/** The orders the tx placed, from its proven result data; empty when there is none, or it does not decode. */
export function placedOrders(r: Receipt): PlacedOrder[] {
  const data = provenResultData(r);
  if (data === undefined || data.length === 0) return [];
  return (orderResponses(data) ?? []).map(({ msgIndex, response: p }) => ({
    msgIndex,
    orderId: p.orderId,
    status: p.status,
    filled: p.filled,
    remaining: p.remaining,
  }));
}
