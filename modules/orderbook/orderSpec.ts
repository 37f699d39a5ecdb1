/** Turns an OrderSpec from a message into a validated Order, or a coded error. Reads state, writes nothing. */
import { MarketStatus, MarketType, type Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import {
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
  TriggerType,
  type Order,
} from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { OrderSpec } from "../../chain/codec/generated/strike/orderbook/v1/tx.js";
import type { Context } from "../../chain/runtime/types.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import { orderbookErrors } from "./errors.js";
import type { AccountId, OrderbookMarginKeeper } from "./expectedKeepers.js";
import { getMarket, orderIdByClientId } from "./state.js";
import { formatQuote, notional, parsePrice, parseSize } from "./units.js";

export function requireMarket(src: StoreSource, id: string): Market {
  const m = getMarket(src, id);
  if (m === undefined) throw orderbookErrors.unknownMarket(`"${id}"`);
  return m;
}

export function requireTradableMarket(ctx: Context, id: string): Market {
  const m = requireMarket(ctx, id);
  if (m.status !== MarketStatus.MARKET_STATUS_ACTIVE) throw orderbookErrors.marketNotActive(`${id} is settled`);
  if (
    m.type === MarketType.MARKET_TYPE_OPTION &&
    m.option !== undefined &&
    ctx.block.time.seconds >= m.option.expiryTime
  )
    throw orderbookErrors.marketNotActive(`${id} has expired`);
  return m;
}

/** Stateless checks (validateBasic): enums and that the numbers parse at all. */
/** Each enum's values (its names too, as Object.values lists them), made once: this runs for every order. */
const TIME_IN_FORCE_VALUES = new Set<unknown>(Object.values(TimeInForce));
const ORDER_TYPE_VALUES = new Set<unknown>(Object.values(OrderType));
const TRIGGER_TYPE_VALUES = new Set<unknown>(Object.values(TriggerType));
const SELF_TRADE_VALUES = new Set<unknown>(Object.values(SelfTradePrevention));

export function checkSpecShape(spec: OrderSpec | undefined): OrderSpec {
  if (spec === undefined) throw orderbookErrors.invalidOrder("order is missing");
  if (spec.market === "") throw orderbookErrors.unknownMarket("market is empty");
  if (spec.side !== Side.SIDE_BUY && spec.side !== Side.SIDE_SELL)
    throw orderbookErrors.invalidOrder("side must be buy or sell");
  if (!TIME_IN_FORCE_VALUES.has(spec.timeInForce) || spec.timeInForce === TimeInForce.UNRECOGNIZED)
    throw orderbookErrors.invalidOrder("unknown time in force");
  if (spec.orderType === OrderType.UNRECOGNIZED || !ORDER_TYPE_VALUES.has(spec.orderType))
    throw orderbookErrors.invalidOrder("unknown order type");
  if (spec.triggerType === TriggerType.UNRECOGNIZED || !TRIGGER_TYPE_VALUES.has(spec.triggerType))
    throw orderbookErrors.invalidOrder("unknown trigger type");
  if (spec.selfTrade === SelfTradePrevention.UNRECOGNIZED || !SELF_TRADE_VALUES.has(spec.selfTrade))
    throw orderbookErrors.invalidOrder("unknown self-trade prevention");
  const market = spec.orderType === OrderType.ORDER_TYPE_MARKET;
  if (
    market &&
    spec.timeInForce !== TimeInForce.TIME_IN_FORCE_UNSPECIFIED &&
    spec.timeInForce !== TimeInForce.TIME_IN_FORCE_IOC &&
    spec.timeInForce !== TimeInForce.TIME_IN_FORCE_FOK
  )
    throw orderbookErrors.invalidOrder("a market order is immediate-or-cancel or fill-or-kill");
  return spec;
}

/** The order a spec describes (id 0: assigned when it is accepted). */
export function orderFromSpec(
  ctx: Context,
  margin: OrderbookMarginKeeper,
  account: AccountId,
  spec: OrderSpec,
): { market: Market; order: Order } {
  checkSpecShape(spec);
  const market = requireTradableMarket(ctx, spec.market);
  const price = parsePrice(
    market,
    spec.price,
    spec.orderType === OrderType.ORDER_TYPE_MARKET ? "worst price" : "price",
  );
  const size = parseSize(market, spec.size);
  const value = notional(market, price, size);
  if (value < market.minNotional)
    throw orderbookErrors.belowMinNotional(
      `${formatQuote(value)} USDC < ${formatQuote(market.minNotional)} USDC in ${market.id}`,
    );
  const orderType =
    spec.orderType === OrderType.ORDER_TYPE_MARKET ? OrderType.ORDER_TYPE_MARKET : OrderType.ORDER_TYPE_LIMIT;
  let tif =
    spec.timeInForce === TimeInForce.TIME_IN_FORCE_UNSPECIFIED ? TimeInForce.TIME_IN_FORCE_GTC : spec.timeInForce;
  if (orderType === OrderType.ORDER_TYPE_MARKET && tif === TimeInForce.TIME_IN_FORCE_GTC)
    tif = TimeInForce.TIME_IN_FORCE_IOC;
  if (spec.goodTilBlock !== 0n && spec.goodTilBlock < ctx.block.height)
    throw orderbookErrors.expired(
      `good-til-block ${spec.goodTilBlock} is below the current height ${ctx.block.height}`,
    );
  if (spec.goodTilTime !== 0n && spec.goodTilTime <= ctx.block.time.seconds)
    throw orderbookErrors.expired(
      `good-til-time ${spec.goodTilTime} is not after the block time ${ctx.block.time.seconds}`,
    );
  let triggerPrice = 0n;
  if (spec.triggerType !== TriggerType.TRIGGER_TYPE_UNSPECIFIED)
    triggerPrice = parsePrice(market, spec.triggerPrice, "trigger price");
  else if (spec.triggerPrice !== "") throw orderbookErrors.invalidOrder("a trigger price needs a trigger type");
  if (
    spec.clientId !== 0n &&
    orderIdByClientId(ctx, account.owner, account.number, market.id, spec.clientId) !== undefined
  )
    throw orderbookErrors.duplicateClientId(`client id ${spec.clientId} in ${market.id}`);
  if (spec.reduceOnly) {
    const position = margin.positionSize(ctx, account, market.id);
    const reduces = spec.side === Side.SIDE_BUY ? position < 0n : position > 0n;
    if (!reduces || size > (position < 0n ? -position : position))
      throw orderbookErrors.reduceOnlyWouldIncrease(
        `position ${position} size units, order ${spec.side === Side.SIDE_BUY ? "buys" : "sells"} ${size}`,
      );
  }
  const order: Order = {
    id: 0n,
    market: market.id,
    owner: account.owner,
    subaccount: account.number,
    clientId: spec.clientId,
    side: spec.side,
    price,
    size,
    remaining: size,
    timeInForce: tif,
    orderType,
    reduceOnly: spec.reduceOnly,
    goodTilBlock: spec.goodTilBlock,
    goodTilTime: spec.goodTilTime,
    triggerType: spec.triggerType,
    triggerPrice,
    selfTrade:
      spec.selfTrade === SelfTradePrevention.SELF_TRADE_PREVENTION_UNSPECIFIED
        ? SelfTradePrevention.SELF_TRADE_PREVENTION_EXPIRE_MAKER
        : spec.selfTrade,
    createdHeight: ctx.block.height,
    selfTradeAllSubaccounts: spec.selfTradeAllSubaccounts,
  };
  return { market, order };
}
