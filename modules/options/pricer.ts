/** Option marks, greeks and margins for a market, from the pure pricing library and the market's terms. */
import { OptionKind as ProtoKind, type Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { MarginParams } from "../../chain/codec/generated/strike/margin/v1/margin.js";
import { DEC_SCALE, decFromString, type Dec } from "../../chain/types/fixed/index.js";
import {
  DEFAULT_SCENARIO_GRID,
  blackScholes,
  portfolioWorstLoss,
  shortOptionMargin,
  yearsBetween,
  type Greeks,
  type OptionKind,
  type PortfolioLeg,
} from "./pricing/index.js";

/** uusdc (6 places) to a USDC Dec. */
const UUSDC_TO_DEC = DEC_SCALE / 1_000_000n;

export interface PricingTime {
  block: { time: { seconds: bigint } };
}

export function optionKind(market: Market): OptionKind {
  return market.option?.kind === ProtoKind.OPTION_KIND_PUT ? "put" : "call";
}

export function strikeOf(market: Market): Dec {
  return (market.option?.strikePrice ?? 0n) * UUSDC_TO_DEC;
}

function timeToExpiry(ctx: PricingTime, market: Market): Dec {
  return yearsBetween(ctx.block.time.seconds, market.option?.expiryTime ?? 0n);
}

export function optionGreeks(ctx: PricingTime, market: Market, spot: Dec): Greeks {
  return blackScholes({
    kind: optionKind(market),
    spot,
    strike: strikeOf(market),
    timeToExpiry: timeToExpiry(ctx, market),
    volatility: decFromString(market.option?.impliedVolatility ?? "0"),
  });
}

/** Naked short margin per contract beyond the option's own value (which equity already counts). */
export function optionShortMargin(market: Market, spot: Dec, mark: Dec, params: MarginParams): Dec {
  const total = shortOptionMargin(optionKind(market), spot, strikeOf(market), mark, {
    otmFactor: decFromString(params.optionOtmFactor),
    minFactor: decFromString(params.optionMinFactor),
  });
  return total > mark ? total - mark : 0n;
}

export function optionPortfolioWorstLoss(
  ctx: PricingTime,
  legs: readonly { market: Market; contracts: Dec }[],
  spot: Dec,
): Dec {
  const pricingLegs: PortfolioLeg[] = legs.map(({ market, contracts }) =>
    market.option === undefined
      ? { kind: "perpetual", size: contracts }
      : {
          kind: optionKind(market),
          size: contracts,
          strike: strikeOf(market),
          timeToExpiry: timeToExpiry(ctx, market),
          volatility: decFromString(market.option.impliedVolatility),
        },
  );
  return portfolioWorstLoss(pricingLegs, spot, DEFAULT_SCENARIO_GRID).worstLoss;
}

/** Payoff per contract at settlement price `s` (USDC). */
export function payoffPerContract(market: Market, s: Dec): Dec {
  const k = strikeOf(market);
  const intrinsic = optionKind(market) === "call" ? s - k : k - s;
  return intrinsic > 0n ? intrinsic : 0n;
}
