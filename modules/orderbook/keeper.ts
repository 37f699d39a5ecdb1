/**
 * The orderbook keeper: the module's face to the app and to other modules. Trading messages
 * and the end block write the book through the module's own files; another module changes
 * it only through the intent methods here (`closeMarket`, `settleSeries`), never by setting
 * a market or deleting an order itself.
 */
import { MarketStatus, MarketType, type Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import { orderbookErrors } from "./errors.js";
import { cancelById } from "./execute.js";
import type { AccountId } from "./expectedKeepers.js";
import type { OrderbookDeps } from "./placeOrder.js";
import { allMarkets, getMarket, hasOwnerOrders, marketOrders, setMarket } from "./state.js";
import { topOfBook } from "./storeBook.js";

export function createOrderbookKeeper(deps: OrderbookDeps) {
  return {
    deps,

    getMarket: (src: StoreSource, id: string): Market | undefined => getMarket(src, id),
    allMarkets: (src: StoreSource): Iterable<Market> => allMarkets(src),
    /** Whether a subaccount has any open order (resting or waiting), in any market. */
    hasOpenOrders: (src: StoreSource, id: AccountId): boolean => hasOwnerOrders(src, id.owner, id.number),
    /** The mid of the best bid and ask (uusdc per contract), undefined on a one-sided or empty book. */
    midPrice: (src: StoreSource, market: string): bigint | undefined => topOfBook(src, market).mid,

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
