/**
 * What the Funding query shows of a perpetual: the current interval's samples and the rate they
 * would pay, computed with funding.ts's own functions, and the premium the book shows now.
 */
import type { MarketFunding } from "../../chain/codec/generated/strike/margin/v1/query.js";
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { decFromString } from "../../chain/types/fixed/index.js";
import type { BookReader, ImpactPrice, RiskContext } from "./expectedKeepers.js";
import { intervalRate, premiumSample } from "./funding.js";
import type { RiskDeps } from "./risk.js";
import { getFundingSamples, getParams } from "./state.js";
import { decString } from "./views.js";

/** uusdc per contract (num / den) as a USDC Dec, truncated: num × 10^18 / (den × 10^6). */
function impactUsdc(p: ImpactPrice | undefined): string {
  return p === undefined ? "" : decString((p.num * 1_000_000_000_000n) / p.den);
}

export function marketFunding(
  ctx: RiskContext,
  deps: Pick<RiskDeps, "prices">,
  book: BookReader,
  market: Market,
): MarketFunding {
  const params = getParams(ctx);
  const samples = getFundingSamples(ctx, market.id);
  const rate = intervalRate(samples);
  const oracle = deps.prices.price(ctx, market.underlying);
  // Funding skips a market without a positive oracle price, and samples nothing on a stale one.
  const price = oracle !== undefined && oracle.price > 0n ? oracle.price : undefined;
  const live = price !== undefined && oracle?.stale === false;
  const impact = live ? book.impactPrices(ctx, market, params.fundingImpactNotional) : undefined;
  return {
    market: market.id,
    underlying: market.underlying,
    oraclePrice: price === undefined ? "" : decString(price),
    stale: oracle?.stale ?? false,
    samples: samples.count,
    averagePremium: decString(rate),
    rate: decString(rate),
    bookPremium:
      impact === undefined || price === undefined
        ? ""
        : decString(premiumSample(impact, price, decFromString(params.maxFundingRate))),
    impactBid: impactUsdc(impact?.bid),
    impactAsk: impactUsdc(impact?.ask),
  };
}

/** The last height at or before `height` at which funding was due (0 before the first) and the next one (0: never). */
export function fundingSchedule(height: bigint, intervalBlocks: bigint): { last: bigint; next: bigint } {
  if (intervalBlocks <= 0n) return { last: 0n, next: 0n };
  const last = height - (height % intervalBlocks);
  return { last, next: last + intervalBlocks };
}
