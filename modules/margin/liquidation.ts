/**
 * What margin does around a liquidation: find accounts under maintenance margin, and once
 * the book has taken what it could, charge the penalty, deleverage what is left, and let
 * the insurance fund cover a shortfall.
 */
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { Context } from "../../chain/runtime/types.js";
import { decFromString } from "../../chain/types/fixed/index.js";
import { autoDeleverage } from "./deleverage.js";
import type { MarginKeeper } from "./keeper.js";
import { usdcToUusdcFloor } from "./risk.js";
import { refreshRiskIndex } from "./riskIndex.js";
import { getParams, type AccountId } from "./state.js";

/**
 * Accounts with positions whose equity is below maintenance margin, in key order: only the
 * accounts the risk index says may have changed are examined.
 */
export function liquidatableAccounts(ctx: Context, keeper: MarginKeeper): AccountId[] {
  return refreshRiskIndex(ctx, keeper, keeper.orders);
}

/** Mark price in uusdc per contract, rounded down. */
export function markPrice(ctx: Context, keeper: MarginKeeper, market: Market): bigint {
  const spot = keeper.deps.prices.price(ctx, market.underlying)?.price ?? 0n;
  const mark = market.option === undefined ? spot : keeper.deps.options.greeks(ctx, market, spot).price;
  return usdcToUusdcFloor(mark);
}

export function settleLiquidation(ctx: Context, keeper: MarginKeeper, id: AccountId, liquidatedNotional: bigint): void {
  const params = getParams(ctx);
  let risk = keeper.accountRisk(ctx, id);
  if (risk === undefined) return;
  // The penalty comes out of what equity is left, never pushing it below zero.
  const penalty = (liquidatedNotional * decFromString(params.liquidationPenalty)) / 10n ** 18n;
  const charged = risk.equity <= 0n ? 0n : penalty < risk.equity ? penalty : risk.equity;
  if (charged > 0n) keeper.transferWithInsurance(ctx, id, -charged);

  risk = keeper.accountRisk(ctx, id)!;
  const remaining = risk.positions.map((r) => r.market);
  if (remaining.length > 0) {
    const fundCovers = risk.equity >= 0n || keeper.insuranceBalance(ctx) >= -risk.equity;
    remaining.forEach((market, i) => {
      autoDeleverage(ctx, keeper, id, market, !fundCovers && i === remaining.length - 1);
    });
    risk = keeper.accountRisk(ctx, id)!;
  }
  if (risk.equity < 0n) {
    const fund = keeper.insuranceBalance(ctx);
    const cover = fund < -risk.equity ? fund : -risk.equity;
    if (cover > 0n) keeper.transferWithInsurance(ctx, id, cover);
  }
  ctx.events.emit("liquidation", [
    ["owner", id.owner],
    ["subaccount", String(id.number)],
    ["notional", liquidatedNotional.toString()],
    ["penalty", charged.toString()],
  ]);
}
