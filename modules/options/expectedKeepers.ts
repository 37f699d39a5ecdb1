/** What the options module needs: markets (orderbook), prices and their average (oracle), settlement (margin). */
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { MarginParams } from "../../chain/codec/generated/strike/margin/v1/margin.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import type { Dec } from "../../chain/types/fixed/index.js";

/** The orderbook's intents for option series: options never writes a market itself. */
export interface OptionsMarketKeeper {
  allMarkets(src: StoreSource): Iterable<Market>;
  /** Cancels every order of a market (it is closing). */
  closeMarket(ctx: Context, market: string, reason: string): void;
  /** Marks an active series settled at `settlementPrice` (uusdc). */
  settleSeries(ctx: Context, market: string, settlementPrice: bigint): void;
}

export interface OptionsOracle {
  /** `freshSince`: the height from which the price is fresh again after it was stale (0n: never stale). */
  price(ctx: Context, asset: string): { price: Dec; stale: boolean; freshSince: bigint } | undefined;
  twap(ctx: Context, asset: string, windowBlocks: bigint): Dec | undefined;
}

export interface OptionsMargin {
  params(src: StoreSource): MarginParams;
  /** Pays `payoff` USDC per contract to longs from shorts and closes every position; returns how many. */
  settleMarket(ctx: Context, market: Market, payoff: Dec): number;
}
