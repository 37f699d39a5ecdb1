/** Placing an order: validate, refuse risky orders on a stale oracle, park triggers, else execute. */
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { Side, TriggerType, type Order } from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { OrderSpec } from "../../chain/codec/generated/strike/orderbook/v1/tx.js";
import type { Context } from "../../chain/runtime/types.js";
import { orderbookErrors } from "./errors.js";
import { executeOrder, feeOf, type Execution } from "./execute.js";
import type { AccountId, OrderbookMarginKeeper, OrderbookOracle } from "./expectedKeepers.js";
import { orderFromSpec } from "./orderSpec.js";
import { countOwnerOrders, nextOrderId, saveNewOrder } from "./state.js";
import { notional } from "./units.js";

export interface OrderbookDeps {
  margin: OrderbookMarginKeeper;
  oracle: OrderbookOracle;
}

export type PlaceResult =
  Execution | { orderId: bigint; status: "untriggered"; filled: 0n; remaining: bigint; fills: []; cost: 0n };

/** Refuses anything but reduce-only orders while the market's oracle price is stale. */
export function checkOracle(ctx: Context, deps: OrderbookDeps, market: Market, reduceOnly: boolean): void {
  const p = deps.oracle.price(ctx, market.underlying);
  if (p === undefined) throw orderbookErrors.staleOracle(`no oracle price for ${market.underlying}`);
  if (p.stale && !reduceOnly) throw orderbookErrors.staleOracle(`${market.underlying} price is stale`);
}

export function placeValidatedOrder(ctx: Context, deps: OrderbookDeps, market: Market, order: Order): PlaceResult {
  if (!deps.margin.hasSubaccount(ctx, { owner: order.owner, number: order.subaccount }))
    throw orderbookErrors.noSubaccount(`${order.owner}/${order.subaccount}`);
  checkOracle(ctx, deps, market, order.reduceOnly);
  const placed = { ...order, id: nextOrderId(ctx) };
  if (placed.triggerType !== TriggerType.TRIGGER_TYPE_UNSPECIFIED) return parkTriggered(ctx, deps, market, placed);
  return executeOrder(ctx, deps.margin, market, placed);
}

export function placeOrder(ctx: Context, deps: OrderbookDeps, account: AccountId, spec: OrderSpec): PlaceResult {
  const { market, order } = orderFromSpec(ctx, deps.margin, account, spec);
  return placeValidatedOrder(ctx, deps, market, order);
}

/** A stop or take-profit waits off the book; its margin is checked now as if it filled at its limit. */
function parkTriggered(ctx: Context, deps: OrderbookDeps, market: Market, order: Order): PlaceResult {
  if (countOwnerOrders(ctx, order.owner, order.subaccount, market.id) >= market.maxOpenOrders)
    throw orderbookErrors.tooManyOpenOrders(`at most ${market.maxOpenOrders} in ${market.id}`);
  const value = notional(market, order.price, order.size);
  const buy = order.side === Side.SIDE_BUY;
  const delta = {
    market,
    sizeDelta: buy ? order.size : -order.size,
    cost: buy ? value : -value,
    fee: feeOf(value, market.takerFeeRate),
  };
  if (!deps.margin.meetsInitialMargin(ctx, { owner: order.owner, number: order.subaccount }, [delta]))
    throw orderbookErrors.insufficientMargin(`${order.owner}/${order.subaccount} in ${market.id}`);
  saveNewOrder(ctx, order, false);
  ctx.events.emit("order_placed", [
    ["market", market.id],
    ["order_id", order.id.toString()],
    ["owner", order.owner],
    ["subaccount", String(order.subaccount)],
    ["side", buy ? "buy" : "sell"],
    ["price", order.price.toString()],
    ["trigger_price", order.triggerPrice.toString()],
    ["remaining", order.size.toString()],
  ]);
  return { orderId: order.id, status: "untriggered", filled: 0n, remaining: order.size, fills: [], cost: 0n };
}
