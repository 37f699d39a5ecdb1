/** What margin needs from other modules. */
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { Context } from "../../chain/runtime/types.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Coin } from "../../chain/runtime/coins.js";
import type { Dec } from "../../chain/types/fixed/index.js";
import type { AccountId } from "./keys.js";

export interface MarginBankKeeper {
  getBalance(src: StoreSource, address: string, denom: string): bigint;
  sendCoins(ctx: Context, from: string, to: string, coins: readonly Coin[]): void;
}

export interface MarginAccountKeeper {
  moduleAddress(name: string): string;
}

/** Market definitions (owned by the orderbook module). */
export interface MarketReader {
  getMarket(src: StoreSource, id: string): Market | undefined;
}

export interface PriceReader {
  /** Oracle price of an asset in USDC per unit, or undefined if the asset is unknown. */
  price(ctx: RiskContext, asset: string): { price: Dec; stale: boolean } | undefined;
}

/** Per-contract option value and greeks, in USDC, from the options module. */
export interface OptionGreeks {
  price: Dec;
  delta: Dec;
  gamma: Dec;
  vega: Dec;
  theta: Dec;
}

export interface OptionPricer {
  greeks(ctx: RiskContext, market: Market, spot: Dec): OptionGreeks;
  /** Naked short margin per contract in USDC, excluding the option's own value. */
  shortMargin(ctx: RiskContext, market: Market, spot: Dec, mark: Dec): Dec;
  /** Worst loss in USDC over the scenario grid of a set of legs on one underlying. */
  portfolioWorstLoss(ctx: RiskContext, legs: readonly PortfolioPosition[], spot: Dec): Dec;
}

export interface PortfolioPosition {
  market: Market;
  /** Contracts (not size units), signed. */
  contracts: Dec;
}

/** The block-time view risk needs: a store and the block time (option expiries). */
export interface RiskContext extends StoreSource {
  readonly block: { readonly height: bigint; readonly time: { readonly seconds: bigint } };
}

/** A price in uusdc per contract as the exact fraction num / den. */
export interface ImpactPrice {
  num: bigint;
  den: bigint;
}

/** The book's impact prices, for funding premiums (owned by the orderbook module). */
export interface BookReader {
  /** The average price of selling (bid) and buying (ask) `notional` uusdc; undefined on a side without that depth. */
  impactPrices(
    src: StoreSource,
    market: Market,
    notional: bigint,
  ): { bid: ImpactPrice | undefined; ask: ImpactPrice | undefined };
}

export interface MarketReaderWithList extends MarketReader {
  allMarkets(src: StoreSource): Iterable<Market>;
}

/** Reads whether an account has open orders (owned by the orderbook). */
export interface OpenOrdersReader {
  hasOpenOrders(ctx: Context, id: AccountId): boolean;
}
