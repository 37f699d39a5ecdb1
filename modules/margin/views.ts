/** Human-facing views of subaccounts: USDC decimals, entry and liquidation prices, greeks. */
import type { PositionView, SubaccountView } from "../../chain/codec/generated/strike/margin/v1/query.js";
import type { Subaccount } from "../../chain/codec/generated/strike/margin/v1/margin.js";
import { MarketType } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { decFromString, decToString, div, mul, type Dec } from "../../chain/types/fixed/index.js";
import type { RiskContext } from "./expectedKeepers.js";
import type { MarginLedger } from "./ledger.js";
import { computeRisk, uusdcToUsdc, type AccountRisk, type PositionRisk } from "./risk.js";

function usdc(amount: bigint): string {
  return trimDec(decToString(uusdcToUsdc(amount)));
}
function trimDec(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}
/** A Dec as decimal text without trailing zeros ("3000.5"). */
export function decString(x: Dec): string {
  return trimDec(decToString(x));
}

/**
 * The oracle price at which the account reaches maintenance margin, when it holds exactly
 * one perpetual position: quote + size·p = |size|·p·mmf.
 */
function liquidationPrice(risk: AccountRisk): string {
  if (risk.positions.length !== 1) return "";
  const r = risk.positions[0]!;
  if (r.market.type !== MarketType.MARKET_TYPE_PERPETUAL) return "";
  const mmf = decFromString(r.market.maintenanceMarginFraction);
  const c = r.contracts;
  const denominator = c - mul(c < 0n ? -c : c, mmf);
  if (denominator === 0n) return "";
  const p = div(-uusdcToUsdc(risk.quoteBalance), denominator);
  return p <= 0n ? "0" : decString(p);
}

function positionView(r: PositionRisk, liq: string): PositionView {
  const contracts = r.contracts;
  const entryUsdc = uusdcToUsdc(BigInt(r.position.entryCost));
  const scale = (g: Dec) => decString(mul(g, contracts));
  return {
    market: r.market.id,
    size: decString(contracts),
    entryPrice: contracts === 0n ? "0" : decString(div(entryUsdc, contracts)),
    markPrice: decString(r.mark),
    unrealizedPnl: usdc(r.value - BigInt(r.position.entryCost)),
    initialMargin: usdc(r.im),
    maintenanceMargin: usdc(r.mm),
    liquidationPrice: liq,
    delta: scale(r.greeks.delta),
    gamma: scale(r.greeks.gamma),
    vega: scale(r.greeks.vega),
    theta: scale(r.greeks.theta),
  };
}

export function subaccountView(
  ctx: RiskContext,
  keeper: Pick<MarginLedger, "deps" | "positions">,
  sub: Subaccount,
): SubaccountView {
  const risk = computeRisk(ctx, keeper.deps, sub, keeper.positions(ctx, { owner: sub.owner, number: sub.number }));
  const liq = liquidationPrice(risk);
  const total = (pick: (r: PositionRisk) => Dec) =>
    decString(risk.positions.reduce((acc, r) => acc + mul(pick(r), r.contracts), 0n));
  const free = risk.equity - risk.im;
  return {
    subaccount: sub,
    collateral: usdc(risk.quoteBalance),
    equity: usdc(risk.equity),
    initialMargin: usdc(risk.im),
    maintenanceMargin: usdc(risk.mm),
    freeCollateral: usdc(free > 0n ? free : 0n),
    positions: risk.positions.map((r) => positionView(r, liq)),
    delta: total((r) => r.greeks.delta),
    gamma: total((r) => r.greeks.gamma),
    vega: total((r) => r.greeks.vega),
    theta: total((r) => r.greeks.theta),
    liquidatable: risk.positions.length > 0 && risk.equity < risk.mm,
  };
}
