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

/**
 * Marks and greeks are a pure function of the market's terms, the spot and the block time, so
 * they are memoised: every holder of a series in a block shares one evaluation. The memo is a
 * cache of a pure function (no state, no order dependence), emptied when it grows too large.
 */
const MEMO_LIMIT = 4096;
const memo = new Map<string, Greeks>();

export function optionGreeks(ctx: PricingTime, market: Market, spot: Dec): Greeks {
  const o = market.option;
  const key = `${o?.kind}|${o?.strikePrice}|${o?.expiryTime}|${o?.impliedVolatility}|${spot}|${ctx.block.time.seconds}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  const greeks = evaluateGreeks(ctx, market, spot);
  memo.set(key, Object.freeze(greeks));
  return greeks;
}

function evaluateGreeks(ctx: PricingTime, market: Market, spot: Dec): Greeks {
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
