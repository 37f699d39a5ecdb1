/**
 * The orderbook keeper: the only writer of markets and orders. The msg server and the end
 * block call it; the matching and the order paths it drives live in the module's own files
 * (placeOrder.ts, cancelOrders.ts, bundle.ts, endBlock.ts). Another module changes the book
 * only through the intents here (`closeMarket`, `settleSeries`), never by setting a market
 * or deleting an order itself.
 */
import { MarketStatus, MarketType, type Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { BundleLeg, OrderSpec } from "../../chain/codec/generated/strike/orderbook/v1/tx.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import { placeBundle, type BundleResult } from "./bundle.js";
import { batchCancel, cancelAll, cancelOrder, replaceOrder } from "./cancelOrders.js";
import { orderbookEndBlock } from "./endBlock.js";
import { orderbookErrors } from "./errors.js";
import { cancelById } from "./execute.js";
import type { AccountId } from "./expectedKeepers.js";
import { requireMarket } from "./orderSpec.js";
import { placeOrder, type OrderbookDeps, type PlaceResult } from "./placeOrder.js";
import { allMarkets, getMarket, getParams, hasOwnerOrders, marketOrders, setMarket } from "./state.js";
import { impactPrices } from "./storeBook.js";

function requireAuthority(ctx: Context, signer: string): void {
  const authority = getParams(ctx).authority;
  if (authority === "" || authority !== signer) throw orderbookErrors.unauthorized(`${signer} may not change markets`);
}

export function createOrderbookKeeper(deps: OrderbookDeps) {
  return {
    deps,

    getMarket: (src: StoreSource, id: string): Market | undefined => getMarket(src, id),
    allMarkets: (src: StoreSource): Iterable<Market> => allMarkets(src),
    /** Whether a subaccount has any open order (resting or waiting), in any market. */
    hasOpenOrders: (src: StoreSource, id: AccountId): boolean => hasOwnerOrders(src, id.owner, id.number),
    /** The impact bid and ask (uusdc per contract) for `notional` uusdc; either is undefined on a side without that depth. */
    impactPrices: (src: StoreSource, market: Market, notional: bigint) => impactPrices(src, market, notional),

    /** Places `account`'s order: matched at once as far as it crosses, the rest rests or is cancelled by its time in force. */
    placeOrder: (ctx: Context, account: AccountId, spec: OrderSpec): PlaceResult =>
      placeOrder(ctx, deps, account, spec),
    /** Cancels the open order `clientId` and places `spec` in its place, or neither. */
    replaceOrder: (ctx: Context, account: AccountId, clientId: bigint, spec: OrderSpec): PlaceResult =>
      replaceOrder(ctx, deps, account, clientId, spec),
    /** Places every leg or none, within `maxNetCost`. */
    placeBundle: (ctx: Context, account: AccountId, legs: readonly BundleLeg[], maxNetCost: string): BundleResult =>
      placeBundle(ctx, deps, account, legs, maxNetCost),
    /** Cancels one of `account`'s orders, by order id or client id. */
    cancelOrder: (ctx: Context, account: AccountId, market: string, orderId: bigint, clientId: bigint): void =>
      cancelOrder(ctx, account, market, orderId, clientId),
    /** Cancels `account`'s orders with these client ids; returns how many were open. */
    batchCancel: (ctx: Context, account: AccountId, market: string, clientIds: readonly bigint[]): number =>
      batchCancel(ctx, account, market, clientIds),
    /** Cancels every order `account` has in `market`; returns how many. */
    cancelAll: (ctx: Context, account: AccountId, market: string): number => cancelAll(ctx, account, market),

    /** Lists a new market (the params' authority only). */
    createMarket(ctx: Context, authority: string, market: Market): void {
      requireAuthority(ctx, authority);
      const active = { ...market, status: MarketStatus.MARKET_STATUS_ACTIVE };
      if (getMarket(ctx, active.id) !== undefined) throw orderbookErrors.invalidMarket(`${active.id} already exists`);
      setMarket(ctx, active);
      ctx.events.emit("market_created", [["market", active.id]]);
    },

    /** Sets an option market's implied volatility (the params' authority only); margin re-prices its holders. */
    setImpliedVolatility(ctx: Context, authority: string, marketId: string, impliedVolatility: string): void {
      requireAuthority(ctx, authority);
      const market = requireMarket(ctx, marketId);
      if (market.type !== MarketType.MARKET_TYPE_OPTION || market.option === undefined)
        throw orderbookErrors.invalidMarket(`${marketId} is not an option market`);
      setMarket(ctx, { ...market, option: { ...market.option, impliedVolatility } });
      deps.margin.marketRepriced(ctx, market.id);
      ctx.events.emit("implied_volatility_set", [
        ["market", marketId],
        ["implied_volatility", impliedVolatility],
      ]);
    },

    /** End block: expiries, triggered orders, liquidations through the book, old trades dropped. */
    endBlock: (ctx: Context): void => orderbookEndBlock(ctx, deps),

    /** Takes a market off trading: every order in it (resting or waiting) is cancelled with `reason`. */
    closeMarket(ctx: Context, market: string, reason: string): void {
      for (const o of [...marketOrders(ctx, market)]) cancelById(ctx, market, o.id, reason);
    },

    /** Records an active option series as settled at `settlementPrice` (uusdc); it never trades again. */
    settleSeries(ctx: Context, market: string, settlementPrice: bigint): void {
      const m = getMarket(ctx, market);
      if (m === undefined) throw orderbookErrors.unknownMarket(market);
      if (m.type !== MarketType.MARKET_TYPE_OPTION || m.option === undefined)
        throw orderbookErrors.invalidMarket(`${market} is not an option series`);
      if (m.status !== MarketStatus.MARKET_STATUS_ACTIVE)
        throw orderbookErrors.marketNotActive(`${market} is already settled`);
      setMarket(ctx, { ...m, status: MarketStatus.MARKET_STATUS_SETTLED, option: { ...m.option, settlementPrice } });
    },
  };
}

export type OrderbookKeeper = ReturnType<typeof createOrderbookKeeper>;
