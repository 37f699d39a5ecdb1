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
} from "./state.js";
import { notional } from "./units.js";

/** How far from the mark a liquidation order may trade (10%). */
const LIQUIDATION_PRICE_BAND_BPS = 1000n;

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

function liquidationOrder(ctx: Context, market: Market, id: AccountId, size: bigint, mark: bigint): Order {
  const sell = size > 0n;
  const band = (mark * LIQUIDATION_PRICE_BAND_BPS) / 10_000n;
  const raw = sell ? mark - band : mark + band;
  // Round away from the mark onto the tick, and never below one tick.
  const onTick = sell
    ? (raw / market.tickSize) * market.tickSize
    : ((raw + market.tickSize - 1n) / market.tickSize) * market.tickSize;
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

function liquidate(ctx: Context, deps: OrderbookDeps, id: AccountId): void {
  for (const o of [...allOwnerOrders(ctx, id.owner)]) {
    if (o.subaccount === id.number) cancelById(ctx, o.market, o.id, "liquidation");
  }
  let liquidated = 0n;
  for (const p of deps.margin.positions(ctx, id)) {
    const market = getMarket(ctx, p.market);
    // An expired option series only settles: no liquidation fill at or after expiry.
    if (market === undefined || !tradable(ctx, market)) continue;
    const order = liquidationOrder(ctx, market, id, p.size, deps.margin.markPrice(ctx, market));
    const exec = executeOrder(ctx, deps.margin, market, order, { liquidation: true });
    for (const f of exec.fills) liquidated += notional(market, f.price, f.size);
  }
  deps.margin.settleLiquidation(ctx, id, liquidated);
}

export function orderbookEndBlock(ctx: Context, deps: OrderbookDeps): void {
  expireOrders(ctx);
  const all = [...allMarkets(ctx)];
  for (const market of all) if (tradable(ctx, market)) fireTriggers(ctx, deps, market);
  for (const id of deps.margin.liquidatableAccounts(ctx)) {
    try {
      ctx.atomic((inner) => liquidate(inner, deps, id));
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
