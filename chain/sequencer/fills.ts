/**
 * A receipt's fills, read from the tx's `trade` events (modules/orderbook/execute.ts), seen
 * from the tx signer's side: the taker's when the signer placed the taking order, the
 * maker's when it owned the resting one. Trades of third parties (a liquidation the tx
 * triggered) are reported from the taker's side. Each fill names both sides' owners and
 * subaccounts, so the owner of the resting order learns of its fill from the receipt too.
 */
import { FillSide, Liquidity, type Fill } from "../codec/generated/strike/sequencer/v1/receipt.js";
import type { AbciEvent } from "../types/abci.js";

function attrs(e: AbciEvent): Map<string, string> {
  return new Map(e.attributes.map((a) => [a.key, a.value]));
}

function uint(text: string | undefined): bigint {
  return text !== undefined && /^[0-9]+$/.test(text) ? BigInt(text) : 0n;
}

/** A subaccount number attribute (u32); 0 when absent or malformed. */
function subaccount(text: string | undefined): number {
  const n = text !== undefined && /^[0-9]{1,10}$/.test(text) ? Number(text) : 0;
  return n <= 0xffff_ffff ? n : 0;
}

/** A fee attribute as the receipt carries it: a decimal integer, "0" when absent or malformed. */
function feeText(text: string | undefined): string {
  return text !== undefined && /^-?[0-9]+$/.test(text) ? text : "0";
}

/**
 * The events `fillsFromEvents` reads, in order: the `trade`s and the first `message` (whose
 * sender tells the maker's fills from the taker's); none when there is no trade.
 */
export function fillEvents(events: readonly AbciEvent[]): AbciEvent[] {
  if (!events.some((e) => e.type === "trade")) return [];
  const firstMessage = events.find((e) => e.type === "message");
  return events.filter((e) => e.type === "trade" || e === firstMessage);
}

export function fillsFromEvents(events: readonly AbciEvent[]): Fill[] {
  // Most txs trade nothing (every receipt is read so): no map of attributes for them.
  if (!events.some((e) => e.type === "trade")) return [];
  const message = events.find((e) => e.type === "message");
  const sender = message === undefined ? undefined : attrs(message).get("sender");
  const fills: Fill[] = [];
  for (const e of events) {
    if (e.type !== "trade") continue;
    const a = attrs(e);
    const takerBuys = a.get("taker_side") === "buy";
    const asMaker = sender !== undefined && a.get("maker") === sender && a.get("taker") !== sender;
    const buys = asMaker ? !takerBuys : takerBuys;
    fills.push({
      market: a.get("market") ?? "",
      side: buys ? FillSide.FILL_SIDE_BUY : FillSide.FILL_SIDE_SELL,
      price: uint(a.get("price")),
      size: uint(a.get("size")),
      // What this side paid for the fill, in uusdc (negative: a rebate).
      fee: feeText(a.get(asMaker ? "maker_fee" : "taker_fee")),
      liquidity: asMaker ? Liquidity.LIQUIDITY_MAKER : Liquidity.LIQUIDITY_TAKER,
      orderId: uint(a.get(asMaker ? "maker_order_id" : "taker_order_id")),
      counterpartyOrderId: uint(a.get(asMaker ? "taker_order_id" : "maker_order_id")),
      tradeSeq: uint(a.get("seq")),
      account: a.get(asMaker ? "maker" : "taker") ?? "",
      subaccount: subaccount(a.get(asMaker ? "maker_subaccount" : "taker_subaccount")),
      counterparty: a.get(asMaker ? "taker" : "maker") ?? "",
      counterpartySubaccount: subaccount(a.get(asMaker ? "taker_subaccount" : "maker_subaccount")),
    });
  }
  return fills;
}
