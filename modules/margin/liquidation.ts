/**
 * What margin decides about a liquidation, one account at a time (the caller picks the
 * accounts): the limit each position may be closed at on the book (never beyond its
 * bankruptcy price), and afterwards the penalty, the insurance fund's cover, and
 * deleveraging when the fund cannot cover the deficit. Nothing runs on a stale price.
 */
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { Context } from "../../chain/runtime/types.js";
import { decFromString } from "../../chain/types/fixed/index.js";
import { bankruptcyPrice, equityShares, markUusdc } from "./bankruptcy.js";
import { deleveragePosition } from "./deleverage.js";
import type { MarginLedger } from "./ledger.js";
import type { AccountRisk } from "./risk.js";
import { refreshRiskIndex } from "./riskIndex.js";
import { getParams, type AccountId } from "./state.js";

/**
 * Accounts with positions whose equity is below maintenance margin, in key order: only the
 * accounts the risk index says may have changed are examined.
 */
export function liquidatableAccounts(ctx: Context, keeper: MarginLedger): AccountId[] {
  return refreshRiskIndex(ctx, keeper, keeper.orders);
}

export interface LiquidationTarget {
  market: Market;
  /** Signed position size: a long is sold, a short bought back. */
  size: bigint;
  /** Worst price (uusdc per contract) the book may fill it at. */
  limit: bigint;
}

export type LiquidationPlan =
  | { kind: "none" }
  /** An underlying's price is stale: nothing is decided on it. */
  | { kind: "paused"; assets: string[] }
  | { kind: "book"; targets: LiquidationTarget[] };

/** Whether the insurance fund can absorb the account's deficit (none when equity ≥ 0). */
function fundCovers(ctx: Context, keeper: MarginLedger, risk: AccountRisk): boolean {
  return risk.equity >= 0n || keeper.insuranceBalance(ctx) >= -risk.equity;
}

function staleAssets(risk: AccountRisk): string[] {
  return [...new Set(risk.positions.filter((p) => p.stale).map((p) => p.market.underlying))].sort();
}

/**
 * The book orders of a liquidation: each position at most to its bankruptcy price. When
 * the account is already bankrupt and the fund can pay the deficit, no worse than the mark
 * (the fund pays what the price move already lost, never a liquidator's discount).
 */
export function planLiquidation(ctx: Context, keeper: MarginLedger, id: AccountId): LiquidationPlan {
  const risk = keeper.accountRisk(ctx, id);
  if (risk === undefined || risk.positions.length === 0 || risk.equity >= risk.mm) return { kind: "none" };
  const stale = staleAssets(risk);
  if (stale.length > 0) return { kind: "paused", assets: stale };
  const covered = fundCovers(ctx, keeper, risk);
  const shares = equityShares(risk);
  const targets = risk.positions.map((p, i) => {
    const bankrupt = bankruptcyPrice(p, shares[i]!);
    const mark = markUusdc(p);
    const sell = p.position.size > 0n;
    const limit = !covered ? bankrupt : sell ? (bankrupt < mark ? bankrupt : mark) : bankrupt > mark ? bankrupt : mark;
    return { market: p.market, size: p.position.size, limit };
  });
  return { kind: "book", targets };
}

export function settleLiquidation(ctx: Context, keeper: MarginLedger, id: AccountId, liquidatedNotional: bigint): void {
  const params = getParams(ctx);
  let risk = keeper.accountRisk(ctx, id);
  if (risk === undefined) return;
  // The penalty comes out of what equity is left, never pushing it below zero.
  const penalty = (liquidatedNotional * decFromString(params.liquidationPenalty)) / 10n ** 18n;
  const charged = risk.equity <= 0n ? 0n : penalty < risk.equity ? penalty : risk.equity;
  if (charged > 0n) keeper.transferWithInsurance(ctx, id, -charged);
  risk = keeper.accountRisk(ctx, id)!;

  let deleveraged = false;
  if (risk.positions.length > 0 && !fundCovers(ctx, keeper, risk)) {
    // The book and the fund together cannot absorb it: socialise the loss, position by position.
    const shares = equityShares(risk);
    risk.positions.forEach((p, i) => {
      if (deleveragePosition(ctx, keeper, id, p, shares[i]!) > 0n) deleveraged = true;
    });
    risk = keeper.accountRisk(ctx, id)!;
  }
  // A bankrupt account without positions is covered now; with positions, once they are closed.
  // That includes what the deficit's split could place on no position (each carries at most its
  // own value less a tick per contract, and a position that lost nothing carries none).
  let covered = 0n;
  if (risk.positions.length === 0 && risk.equity < 0n) {
    const fund = keeper.insuranceBalance(ctx);
    covered = fund < -risk.equity ? fund : -risk.equity;
    if (covered > 0n) keeper.transferWithInsurance(ctx, id, covered);
  }
  ctx.events.emit("liquidation", [
    ["owner", id.owner],
    ["subaccount", String(id.number)],
    ["notional", liquidatedNotional.toString()],
    ["penalty", charged.toString()],
    ["insurance_cover", covered.toString()],
    ["deleveraged", String(deleveraged)],
  ]);
}
