/**
 * Whether a receipt's fills are the trades its own result records. A receipt's fills are
 * read from the tx's `trade` events (fills.ts), which no header commits to; the same trades
 * are in the tx's result data (strike.orderbook.v1.FillResult in each order response),
 * which result_hash commits to and the receipt carries. So a receipt whose fills are not
 * its data's trades, or whose data is not what its result_hash covers, contradicts itself:
 * the sequencer signed a price, size, fee or counterparty that its own promised result
 * denies. That is provable from the receipt alone, whatever block commits, and the chain
 * slashes it (modules/receipts/violation.ts, "false fills"); a client checks it the moment
 * the receipt arrives.
 *
 * Only a definite contradiction counts. Data that does not decode says nothing of the
 * trades, and is not one. Each fill may be the trade seen from its taker's side or from its
 * maker's (fills.ts reports a multi-signer tx's fill from its maker's side when the first
 * signer owned the resting order); which side is shown is not a promise, every field of it is.
 */
import { Side } from "../codec/generated/strike/orderbook/v1/order.js";
import type { FillResult, MsgPlaceOrderResponse } from "../codec/generated/strike/orderbook/v1/tx.js";
import { FillSide, Liquidity, type Fill } from "../codec/generated/strike/sequencer/v1/receipt.js";
import { ReceiptStatus, type Receipt } from "./receipt.js";
import { orderResponses, provenResultData } from "./receiptResult.js";

/** A trade as the result data records it: the fill and the order response (the taking side) it belongs to. */
interface RecordedTrade {
  taker: MsgPlaceOrderResponse;
  fill: FillResult;
}

/** The fill a receipt must carry for `t`, seen from the taker's side or the maker's. */
function expectedFill(t: RecordedTrade, liquidity: Liquidity): Fill | undefined {
  const { taker, fill } = t;
  const takerBuys = taker.side === Side.SIDE_BUY;
  if (!takerBuys && taker.side !== Side.SIDE_SELL) return undefined;
  const asMaker = liquidity === Liquidity.LIQUIDITY_MAKER;
  if (!asMaker && liquidity !== Liquidity.LIQUIDITY_TAKER) return undefined;
  const buys = asMaker ? !takerBuys : takerBuys;
  return {
    market: taker.market,
    side: buys ? FillSide.FILL_SIDE_BUY : FillSide.FILL_SIDE_SELL,
    price: fill.priceUnits,
    size: fill.sizeUnits,
    fee: asMaker ? fill.makerFeeUnits : fill.takerFeeUnits,
    liquidity,
    orderId: asMaker ? fill.makerOrderId : taker.orderId,
    counterpartyOrderId: asMaker ? taker.orderId : fill.makerOrderId,
    tradeSeq: fill.tradeSeq,
    account: asMaker ? fill.maker : taker.owner,
    subaccount: asMaker ? fill.makerSubaccount : taker.subaccount,
    counterparty: asMaker ? taker.owner : fill.maker,
    counterpartySubaccount: asMaker ? taker.subaccount : fill.makerSubaccount,
  };
}

const FIELDS = [
  "market",
  "side",
  "price",
  "size",
  "fee",
  "orderId",
  "counterpartyOrderId",
  "tradeSeq",
  "account",
  "subaccount",
  "counterparty",
  "counterpartySubaccount",
] as const satisfies readonly (keyof Fill)[];

/** The first field in which `got` differs from `want`, or undefined when they agree. */
function differingField(got: Fill, want: Fill): (typeof FIELDS)[number] | undefined {
  return FIELDS.find((k) => got[k] !== want[k]);
}

/**
 * Why a sequenced receipt contradicts its own result, in a sentence; undefined when it does
 * not (or when nothing definite can be said: a rejection, data that does not decode).
 */
export function falseFills(r: Receipt): string | undefined {
  if (r.status !== ReceiptStatus.RECEIPT_STATUS_SEQUENCED) return undefined;
  const data = provenResultData(r);
  if (data === undefined)
    return "its result (code, data, gas wanted and used) does not hash to its result_hash: the result it shows is not the one it promises";
  const responses = orderResponses(data);
  if (responses === undefined) return undefined;
  const trades: RecordedTrade[] = responses.flatMap(({ response }) =>
    response.fills.map((fill) => ({ taker: response, fill })),
  );
  if (trades.length !== r.fills.length)
    return `it shows ${r.fills.length} fill(s); the result it promises records ${trades.length} trade(s)`;
  for (const [i, got] of r.fills.entries()) {
    const want = expectedFill(trades[i]!, got.liquidity);
    if (want === undefined) return `fill ${i} is neither the taker's nor the maker's side of trade ${i}`;
    const field = differingField(got, want);
    if (field !== undefined)
      return `fill ${i} shows ${field} ${String(got[field])}; trade ${i} of the result it promises has ${String(want[field])}`;
  }
  return undefined;
}

/**
 * The fee the maker paid in each of the receipt's fills (uusdc; negative: a rebate), from
 * the result it promises. A fill carries the fee of the side it shows, the taker's for the
 * taker's tx; the maker's is in the recorded trade, as binding as the fill. Undefined unless
 * the fills are exactly the recorded trades.
 */
export function makerFees(r: Receipt): bigint[] | undefined {
  if (r.status !== ReceiptStatus.RECEIPT_STATUS_SEQUENCED || falseFills(r) !== undefined) return undefined;
  const data = provenResultData(r);
  const responses = data === undefined ? undefined : orderResponses(data);
  if (responses === undefined) return undefined;
  try {
    return responses.flatMap(({ response }) => response.fills.map((f) => BigInt(f.makerFeeUnits)));
  } catch {
    return undefined;
  }
}
