/**
 * The orderbook's end of block: expire good-til orders, fire stop and take-profit orders
 * whose trigger the oracle crossed, liquidate accounts under maintenance margin through
 * the book, and drop old trades. Each item runs atomically: one failure skips only itself.
 */
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import {
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
  TriggerType,
  type Order,
} from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { Context } from "../../chain/runtime/types.js";
import { isStrikeError } from "../../chain/types/errors.js";
import { cancelById, executeOrder, tradable } from "./execute.js";
import type { AccountId } from "./expectedKeepers.js";
import type { OrderbookDeps } from "./placeOrder.js";
import { orderbookErrors } from "./errors.js";
import {
  deleteOrder,
  allMarkets,
  allOwnerOrders,
  expiredByBlock,
  expiredByTime,
  getMarket,
  getParams,
  nextOrderId,
  pruneTrades,
  crossedTriggers,
  getOrder,
  marketsWithTriggers,
} from "./state.js";
import { notional } from "./units.js";

function expireOrders(ctx: Context): void {
  for (const [market, id] of [...expiredByBlock(ctx, ctx.block.height)]) cancelById(ctx, market, id, "expired");
  for (const [market, id] of [...expiredByTime(ctx, ctx.block.time.seconds)]) cancelById(ctx, market, id, "expired");
}

function fireTriggers(ctx: Context, deps: OrderbookDeps, market: Market): void {
  const oracle = deps.oracle.price(ctx, market.underlying);
  if (oracle === undefined || oracle.stale) return;
  const oracleUusdc = oracle.price / 10n ** 12n;
  for (const id of crossedTriggers(ctx, market.id, oracleUusdc)) {
    const order = getOrder(ctx, market.id, id);
    if (order === undefined) continue;
    try {
      ctx.atomic((inner) => {
        deleteOrder(inner, order);
        // Time priority starts when the order reaches the book: it gets a fresh id now, not the one it was parked with.
        const fired = {
          ...order,
          id: nextOrderId(inner),
          triggerType: TriggerType.TRIGGER_TYPE_UNSPECIFIED,
          createdHeight: inner.block.height,
        };
        inner.events.emit("order_triggered", [
          ["market", market.id],
          ["order_id", order.id.toString()],
          ["book_order_id", fired.id.toString()],
          ["oracle_price", oracleUusdc.toString()],
        ]);
        const size = order.reduceOnly ? reducibleSize(inner, deps, order) : order.remaining;
        if (size === 0n) throw orderbookErrors.reduceOnlyWouldIncrease("the position it would reduce is gone");
        executeOrder(inner, deps.margin, market, { ...fired, remaining: size });
      });
    } catch (e) {
      if (!isStrikeError(e)) throw e;
      cancelById(ctx, market.id, order.id, `trigger_failed: ${e.message}`);
    }
  }
}

/** A reduce-only order may take at most the position it reduces, and only in the reducing direction. */
function reducibleSize(ctx: Context, deps: OrderbookDeps, order: Order): bigint {
  const position = deps.margin.positionSize(ctx, { owner: order.owner, number: order.subaccount }, order.market);
  const reduces = order.side === Side.SIDE_BUY ? position < 0n : position > 0n;
  if (!reduces) return 0n;
  const abs = position < 0n ? -position : position;
  return order.remaining < abs ? order.remaining : abs;
}

/** An IOC order closing the position no worse than `limit` (its bankruptcy price, from margin). */
function liquidationOrder(ctx: Context, market: Market, id: AccountId, size: bigint, limit: bigint): Order {
  const sell = size > 0n;
  // Round toward the liquidated account onto the tick: a sell up, a buy down.
  const onTick = sell
    ? ((limit + market.tickSize - 1n) / market.tickSize) * market.tickSize
    : (limit / market.tickSize) * market.tickSize;
  return {
    id: nextOrderId(ctx),
    market: market.id,
    owner: id.owner,
    subaccount: id.number,
    clientId: 0n,
    side: sell ? Side.SIDE_SELL : Side.SIDE_BUY,
    price: onTick < market.tickSize ? market.tickSize : onTick,
    size: sell ? size : -size,
    remaining: sell ? size : -size,
    timeInForce: TimeInForce.TIME_IN_FORCE_IOC,
    orderType: OrderType.ORDER_TYPE_MARKET,
    reduceOnly: true,
    goodTilBlock: 0n,
    goodTilTime: 0n,
    triggerType: TriggerType.TRIGGER_TYPE_UNSPECIFIED,
    triggerPrice: 0n,
    selfTrade: SelfTradePrevention.SELF_TRADE_PREVENTION_EXPIRE_MAKER,
    createdHeight: ctx.block.height,
    selfTradeAllSubaccounts: false,
  };
}

/**
 * Liquidates one account (whichever index found it): its orders are cancelled, each position
 * is offered to the book no worse than its bankruptcy price, then margin settles the rest.
 * On a stale price nothing happens but a `liquidation_paused` event.
 */
export function liquidateAccount(ctx: Context, deps: OrderbookDeps, id: AccountId): void {
  const plan = deps.margin.planLiquidation(ctx, id);
  if (plan.kind === "none") return;
  if (plan.kind === "paused") {
    ctx.events.emit("liquidation_paused", [
      ["owner", id.owner],
      ["subaccount", String(id.number)],
      ["stale_assets", plan.assets.join(",")],
    ]);
    return;
  }
  for (const o of [...allOwnerOrders(ctx, id.owner)]) {
    if (o.subaccount === id.number) cancelById(ctx, o.market, o.id, "liquidation");
  }
  let liquidated = 0n;
  for (const target of plan.targets) {
    const market = getMarket(ctx, target.market.id);
    // An expired option series only settles: no liquidation fill at or after expiry.
    if (market === undefined || !tradable(ctx, market)) continue;
    const order = liquidationOrder(ctx, market, id, target.size, target.limit);
    const exec = executeOrder(ctx, deps.margin, market, order, { liquidation: true });
    for (const f of exec.fills) liquidated += notional(market, f.price, f.size);
  }
  deps.margin.settleLiquidation(ctx, id, liquidated);
}

export function orderbookEndBlock(ctx: Context, deps: OrderbookDeps): void {
  expireOrders(ctx);
  const all = [...allMarkets(ctx)];
  // Firing triggers parks none, so the markets that have some are known before the first fires.
  const withTriggers = marketsWithTriggers(ctx);
  for (const market of all) if (withTriggers.has(market.id) && tradable(ctx, market)) fireTriggers(ctx, deps, market);
  for (const id of deps.margin.liquidatableAccounts(ctx)) {
    try {
      ctx.atomic((inner) => liquidateAccount(inner, deps, id));
    } catch (e) {
      if (!isStrikeError(e)) throw e;
      ctx.events.emit("liquidation_failed", [
        ["owner", id.owner],
        ["subaccount", String(id.number)],
        ["error", e.message],
      ]);
    }
  }
  const kept = BigInt(getParams(ctx).tradesKept || 1000);
  // Settled markets too: their last trades age out like any others.
  if (ctx.block.height > kept) for (const m of all) pruneTrades(ctx, m.id, ctx.block.height - kept);
}
