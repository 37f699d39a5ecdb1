/**
 * An account's risk: equity, initial and maintenance margin, per-position marks and
 * greeks. Amounts are uusdc (bigint), marks and greeks Dec (USDC per contract).
 * Requirements round up and equity rounds down, so rounding never helps an account.
 */
import type { Position, Subaccount } from "../../chain/codec/generated/strike/margin/v1/margin.js";
import { MarketType, type Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { DEC_ONE, DEC_SCALE, abs, decFromString, mul, type Dec } from "../../chain/types/fixed/index.js";
import { marginErrors } from "./errors.js";
import type { MarketReader, OptionGreeks, OptionPricer, PriceReader, RiskContext } from "./expectedKeepers.js";
import { getParams } from "./state.js";

/** uusdc per USDC as a Dec-raw divisor: Dec USDC raw / 1e12 = uusdc. */
const UUSDC_DIVISOR = DEC_SCALE / 1_000_000n;

export interface RiskDeps {
  markets: MarketReader;
  prices: PriceReader;
  options: OptionPricer;
}

export interface PositionRisk {
  position: Position;
  market: Market;
  /** Signed contracts. */
  contracts: Dec;
  spot: Dec;
  /** USDC per contract. */
  mark: Dec;
  /** Signed value in uusdc. */
  value: bigint;
  im: bigint;
  mm: bigint;
  /** Per contract; perpetuals have delta 1 and nothing else. */
  greeks: OptionGreeks;
  /** The underlying's oracle price is stale: liquidation and withdrawals wait for a fresh one. */
  stale: boolean;
}

export interface AccountRisk {
  quoteBalance: bigint;
  equity: bigint;
  im: bigint;
  mm: bigint;
  positions: PositionRisk[];
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}
export function usdcToUusdcFloor(x: Dec): bigint {
  return floorDiv(x, UUSDC_DIVISOR);
}
export function usdcToUusdcCeil(x: Dec): bigint {
  return ceilDiv(x, UUSDC_DIVISOR);
}
export function uusdcToUsdc(x: bigint): Dec {
  return x * UUSDC_DIVISOR;
}
/** Size units to contracts (Dec). */
export function sizeToContracts(market: Market, size: bigint): Dec {
  return (size * DEC_SCALE) / 10n ** BigInt(market.sizeDecimals);
}

function requireMarket(ctx: RiskContext, deps: RiskDeps, id: string): Market {
  const m = deps.markets.getMarket(ctx, id);
  if (m === undefined) throw marginErrors.missingPrice(`market ${id} does not exist`);
  return m;
}

function spotOf(ctx: RiskContext, deps: RiskDeps, market: Market): { price: Dec; stale: boolean } {
  const p = deps.prices.price(ctx, market.underlying);
  if (p === undefined) throw marginErrors.missingPrice(`no oracle price for ${market.underlying}`);
  return p;
}

const PERP_GREEKS: OptionGreeks = { price: 0n, delta: DEC_ONE, gamma: 0n, vega: 0n, theta: 0n };

function positionRisk(ctx: RiskContext, deps: RiskDeps, position: Position): PositionRisk {
  const market = requireMarket(ctx, deps, position.market);
  const { price: spot, stale } = spotOf(ctx, deps, market);
  const contracts = sizeToContracts(market, position.size);
  const params = getParams(ctx);
  if (market.type === MarketType.MARKET_TYPE_OPTION) {
    const greeks = deps.options.greeks(ctx, market, spot);
    const value = usdcToUusdcFloor(mul(greeks.price, contracts));
    let im = 0n;
    let mm = 0n;
    if (contracts < 0n) {
      const perContract = deps.options.shortMargin(ctx, market, spot, greeks.price);
      im = usdcToUusdcCeil(mul(perContract, abs(contracts)));
      mm = usdcToUusdcCeil(mul(uusdcToUsdc(im), decFromString(params.optionMaintenanceRatio)));
    } else {
      // A long option is paid for in full: its value counts in equity but cannot back new risk.
      im = value;
    }
    return { position, market, contracts, spot, mark: greeks.price, value, im, mm, greeks, stale };
  }
  const { value, im, mm } = perpetualAmounts(
    mul(spot, contracts),
    decFromString(market.initialMarginFraction),
    decFromString(market.maintenanceMarginFraction),
  );
  return { position, market, contracts, spot, mark: spot, value, im, mm, greeks: PERP_GREEKS, stale };
}

/**
 * A perpetual position's value (rounded down) and margins (rounded up) in uusdc, from its
 * signed USDC value (spot × contracts) and the market's margin fractions.
 */
export function perpetualAmounts(
  valueUsdc: Dec,
  initialFraction: Dec,
  maintenanceFraction: Dec,
): { value: bigint; im: bigint; mm: bigint } {
  const notionalUsdc = abs(valueUsdc);
  return {
    value: usdcToUusdcFloor(valueUsdc),
    im: usdcToUusdcCeil(mul(notionalUsdc, initialFraction)),
    mm: usdcToUusdcCeil(mul(notionalUsdc, maintenanceFraction)),
  };
}

/**
 * Portfolio mode: one requirement per underlying, the worst loss over the scenario grid, but
 * never less than the short-option minimum (a share of spot per short contract), so a far
 * out-of-the-money short that no grid scenario reaches still carries margin.
 */
function portfolioRequirements(
  ctx: RiskContext,
  deps: RiskDeps,
  risks: readonly PositionRisk[],
): { im: bigint; mm: bigint } {
  const byUnderlying = new Map<string, PositionRisk[]>();
  for (const r of risks) {
    const list = byUnderlying.get(r.market.underlying) ?? [];
    list.push(r);
    byUnderlying.set(r.market.underlying, list);
  }
  const params = getParams(ctx);
  const ratio = decFromString(params.optionMaintenanceRatio);
  const shortMinimum = decFromString(params.optionPortfolioShortMinimum || "0");
  let im = 0n;
  for (const underlying of [...byUnderlying.keys()].sort()) {
    const group = byUnderlying.get(underlying)!;
    const loss = deps.options.portfolioWorstLoss(
      ctx,
      group.map((r) => ({ market: r.market, contracts: r.contracts })),
      group[0]!.spot,
    );
    const shorts = group.reduce(
      (sum, r) => (r.market.type === MarketType.MARKET_TYPE_OPTION && r.contracts < 0n ? sum - r.contracts : sum),
      0n,
    );
    const minimum = mul(mul(shorts, group[0]!.spot), shortMinimum);
    im += usdcToUusdcCeil(loss > minimum ? loss : minimum);
  }
  return { im, mm: usdcToUusdcCeil(mul(uusdcToUsdc(im), ratio)) };
}

/** The risk of a subaccount with the given positions (its stored ones, or hypothetical ones). */
export function computeRisk(
  ctx: RiskContext,
  deps: RiskDeps,
  sub: Subaccount,
  positions: readonly Position[],
): AccountRisk {
  const quoteBalance = BigInt(sub.quoteBalance);
  const risks = positions.filter((p) => p.size !== 0n).map((p) => positionRisk(ctx, deps, p));
  let equity = quoteBalance;
  let im = 0n;
  let mm = 0n;
  for (const r of risks) {
    equity += r.value;
    im += r.im;
    mm += r.mm;
  }
  if (sub.portfolioMargin && risks.length > 0) ({ im, mm } = portfolioRequirements(ctx, deps, risks));
  return { quoteBalance, equity, im, mm, positions: risks };
}
