/**
 * The JSON form of a signed receipt (RPC results, `receipt.json` files). `signed` holds the
 * exact bytes that were signed, base64; `receipt` is their decoding for people to read and
 * is never trusted: verification decodes `signed.receipt` again.
 */
import { FillSide, Liquidity } from "../codec/generated/strike/sequencer/v1/receipt.js";
import { fromBase64, toBase64, toHex } from "../types/bytes.js";
import { sequencerErrors } from "./errors.js";
import { Receipt, ReceiptStatus, type SignedReceipt } from "./receipt.js";
import { placedOrders } from "./receiptResult.js";

export interface SignedReceiptJson {
  receipt: string;
  signature: string;
  pub_key: string;
}

export interface ReceiptJson {
  signed: SignedReceiptJson;
  receipt: Record<string, unknown>;
  /** Where the node saw it last: sequenced, rejected, committed or reverted. */
  stage?: string;
}

const hex = (b: Uint8Array) => toHex(b).toUpperCase();

export function decodedReceiptJson(r: Receipt): Record<string, unknown> {
  return {
    chain_id: r.chainId,
    height: r.height.toString(),
    index: r.index,
    tx_hash: hex(r.txHash),
    status: r.status === ReceiptStatus.RECEIPT_STATUS_REJECTED ? "rejected" : "sequenced",
    code: r.code,
    codespace: r.codespace,
    result_hash: hex(r.resultHash),
    fills: r.fills.map((f) => ({
      market: f.market,
      side: f.side === FillSide.FILL_SIDE_BUY ? "buy" : "sell",
      price: f.price.toString(),
      size: f.size.toString(),
      fee: f.fee,
      liquidity: f.liquidity === Liquidity.LIQUIDITY_MAKER ? "maker" : "taker",
      order_id: f.orderId.toString(),
      counterparty_order_id: f.counterpartyOrderId.toString(),
      trade_seq: f.tradeSeq.toString(),
      account: f.account,
      subaccount: f.subaccount,
      counterparty: f.counterparty,
      counterparty_subaccount: f.counterpartySubaccount,
    })),
    sequencer_address: hex(r.sequencerAddress),
    epoch: r.epoch.toString(),
    previous_receipt_hash: hex(r.previousReceiptHash),
    log: r.log,
    data: toBase64(r.data),
    gas_wanted: r.gasWanted.toString(),
    gas_used: r.gasUsed.toString(),
    // What the tx's result says of the orders it placed, when data and gas hash to result_hash.
    orders: placedOrders(r).map((o) => ({
      msg_index: o.msgIndex,
      order_id: o.orderId.toString(),
      status: o.status,
      filled: o.filled,
      remaining: o.remaining,
    })),
  };
}

/**
 * `decoded`: `Receipt.decode(signed.receipt)` when the caller holds it (the receipt store
 * does while the receipt is pending): every broadcast's answer goes through here, and
 * decoding the receipt again cost ~13 µs an order on a loaded sequencer.
 */
export function receiptToJson(signed: SignedReceipt, stage?: string, decoded?: Receipt): ReceiptJson {
  return {
    signed: {
      receipt: toBase64(signed.receipt),
      signature: toBase64(signed.signature),
      pub_key: toBase64(signed.pubKey),
    },
    receipt: decodedReceiptJson(decoded ?? Receipt.decode(signed.receipt)),
    ...(stage === undefined ? {} : { stage }),
  };
}

/** The signed bytes out of a receipt's JSON (or of a bare `signed` object). */
export function signedReceiptFromJson(json: unknown): SignedReceipt {
  const outer = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
  const s = (typeof outer["signed"] === "object" && outer["signed"] !== null ? outer["signed"] : outer) as Record<
    string,
    unknown
  >;
  const field = (name: string): Uint8Array => {
    const v = s[name];
    if (typeof v !== "string") throw sequencerErrors.malformedReceipt(`"signed.${name}" must be a base64 string`);
    try {
      return fromBase64(v);
    } catch {
      throw sequencerErrors.malformedReceipt(`"signed.${name}" is not base64`);
    }
  };
  return { receipt: field("receipt"), signature: field("signature"), pubKey: field("pub_key") };
}
