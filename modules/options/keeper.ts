/**
 * The options keeper: settles expired series (through the orderbook's and margin's intents)
 * and prices options for margin. Pricing is the pure library in pricing/, applied to a
 * series' terms by pricer.ts; this keeper adds the one input it reads from state, margin's
 * option margin factors.
 */
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { Context } from "../../chain/runtime/types.js";
import type { Dec } from "../../chain/types/fixed/index.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Greeks } from "./pricing/index.js";
import { optionGreeks, optionPortfolioWorstLoss, optionShortMargin, type PricingTime } from "./pricer.js";
import { settleExpiredOptions, type OptionsDeps } from "./settlement.js";

export function createOptionsKeeper(deps: OptionsDeps) {
  return {
    /** Settles every active series at or past its expiry whose price is fresh (end block). */
    settleExpired: (ctx: Context): void => settleExpiredOptions(ctx, deps),

    /** Per-contract value and greeks (USDC) of a series at `spot`, at the block's time. */
    greeks: (ctx: PricingTime, market: Market, spot: Dec): Greeks => optionGreeks(ctx, market, spot),
    /** Naked short margin per contract beyond the option's own value, with margin's factors. */
    shortMargin: (src: StoreSource, market: Market, spot: Dec, mark: Dec): Dec =>
      optionShortMargin(market, spot, mark, deps.margin.params(src)),
    /** Worst loss (USDC) of a set of legs on one underlying over the scenario grid. */
    portfolioWorstLoss: (ctx: PricingTime, legs: readonly { market: Market; contracts: Dec }[], spot: Dec): Dec =>
      optionPortfolioWorstLoss(ctx, legs, spot),
  };
}

export type OptionsKeeper = ReturnType<typeof createOptionsKeeper>;
