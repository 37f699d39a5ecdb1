/**
 * What a committed trading tx did to orders, in a trader's words, from the tx's events: the
 * id the chain gave each order (what `tx trade cancel --order-id` takes), whether it rests,
 * filled or waits for its trigger, and the orders it cancelled or expired. Sizes in contracts
 * (the market's decimals; the chain's units, labelled, when the market cannot be read) and
 * prices in USDC.
 */
import type { Market } from "../chain/codec/generated/strike/orderbook/v1/market.js";
import { formatPrice, formatSize } from "../modules/orderbook/units.js";

export interface TxEvent {
  type: string;
  attributes: readonly { key: string; value: string }[];
}

const ORDER_EVENTS = new Set(["order_placed", "order_cancelled", "order_expired"]);

/** Whether the events name any order (so that the markets are worth reading). */
export function hasOrderEvents(events: readonly TxEvent[]): boolean {
  return events.some((e) => ORDER_EVENTS.has(e.type));
}

/** The chain's reasons (orderbook module) as a trader reads them; others are shown with spaces for underscores. */
const REASONS: Record<string, string> = {
  user: "by you",
  replaced: "replaced",
  ioc: "immediate-or-cancel",
  self_trade: "self-trade prevention",
  max_fills: "too many fills for one order",
  undercollateralized: "its owner's margin no longer covered the fill",
  reduce_only: "reduce-only, and filling it would have grown the position",
  expired: "its time in force ran out",
  liquidation: "its owner was liquidated",
};

/** One line per order event, in the order the chain emitted them. */
export function orderLines(events: readonly TxEvent[], markets: ReadonlyMap<string, Market>): string[] {
  const lines: string[] = [];
  for (const e of events) {
    if (!ORDER_EVENTS.has(e.type)) continue;
    const a = new Map(e.attributes.map((x) => [x.key, x.value]));
    const marketId = a.get("market") ?? "?";
    const m = markets.get(marketId);
    const integer = (v: string | undefined): v is string => v !== undefined && /^-?[0-9]+$/.test(v);
    // A size needs the market's decimals; a price is always in micro-USDC.
    const size = (v: string | undefined) => (!integer(v) || m === undefined ? (v ?? "?") : formatSize(m, BigInt(v)));
    const price = (v: string | undefined) => (integer(v) ? formatPrice(BigInt(v)) : (v ?? "?"));
    const id = a.get("order_id") ?? "?";
    const inUnits = m === undefined ? " (size in chain units)" : "";
    if (e.type === "order_placed") {
      const head = `order ${id}: ${a.get("side") ?? "?"} ${size(a.get("size") ?? a.get("remaining"))} ${marketId} @ ${price(a.get("price"))}`;
      const trigger = a.get("trigger_price");
      const status = a.get("status");
      if (trigger !== undefined && status === undefined)
        lines.push(`${head}, waits off the book for the trigger at ${price(trigger)}${inUnits}`);
      else if (status === "rests") lines.push(`${head}, rests on the book with ${size(a.get("remaining"))}${inUnits}`);
      else if (status === "filled") lines.push(`${head}, filled${inUnits}`);
      else lines.push(`${head}, ${size(a.get("remaining"))} not filled and not kept${inUnits}`);
    } else {
      const reason = a.get("reason") ?? "";
      const why = REASONS[reason] ?? reason.replaceAll("_", " ");
      const verb = e.type === "order_cancelled" ? "cancelled" : "expired";
      lines.push(
        `order ${id} on ${marketId} ${verb} with ${size(a.get("remaining"))} left${why === "" ? "" : ` (${why})`}${inUnits}`,
      );
    }
  }
  return lines;
}
