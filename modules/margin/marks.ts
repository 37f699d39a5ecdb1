/**
 * A market's mark: the price its positions are valued at by risk (risk.ts), so a trader sees
 * the number margin uses. A perpetual's mark is its underlying's oracle price; an option's is
 * its model price at that oracle price and the block time. A settled series is worth its
 * payoff at the settlement price (the model at expiry gives exactly that).
 */
import { MarketStatus, MarketType, type Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { DEC_SCALE, type Dec } from "../../chain/types/fixed/index.js";
import type { RiskContext } from "./expectedKeepers.js";
import type { RiskDeps } from "./risk.js";

/** uusdc (a settlement price) to a USDC Dec. */
const UUSDC_TO_DEC = DEC_SCALE / 1_000_000n;

export interface MarketMark {
  market: Market;
  /** USDC per contract; undefined when the underlying has no oracle price. */
  mark: Dec | undefined;
  /** The underlying price the mark is computed from. */
  spot: Dec | undefined;
  stale: boolean;
  settled: boolean;
}

export function markOf(ctx: RiskContext, deps: Pick<RiskDeps, "prices" | "options">, market: Market): MarketMark {
  const isOption = market.type === MarketType.MARKET_TYPE_OPTION;
  if (isOption && market.status === MarketStatus.MARKET_STATUS_SETTLED) {
    const settlement = (market.option?.settlementPrice ?? 0n) * UUSDC_TO_DEC;
    const mark = settlement > 0n ? deps.options.greeks(ctx, market, settlement).price : undefined;
    return { market, mark, spot: settlement > 0n ? settlement : undefined, stale: false, settled: true };
  }
  const oracle = deps.prices.price(ctx, market.underlying);
  if (oracle === undefined) return { market, mark: undefined, spot: undefined, stale: true, settled: false };
  const mark = isOption ? deps.options.greeks(ctx, market, oracle.price).price : oracle.price;
  return { market, mark, spot: oracle.price, stale: oracle.stale, settled: false };
}
