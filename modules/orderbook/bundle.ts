/**
 * Atomic bundles: up to four legs in distinct markets, each fill-or-kill at its limit.
 * All legs are planned before anything is written, the taker's margin is checked once on
 * the whole bundle (a hedged spread needs less than its legs alone), and the net cost limit
 * applies to the sum. Any failure leaves state untouched.
 */
import {
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
  TriggerType,
} from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { BundleLeg } from "../../chain/codec/generated/strike/orderbook/v1/tx.js";
import type { Context } from "../../chain/runtime/types.js";
import { orderbookErrors } from "./errors.js";
import { applyExecution, planExecution, type Execution } from "./execute.js";
import type { AccountId, TradeDelta } from "./expectedKeepers.js";
import { MAX_BUNDLE_LEGS, QUOTE_DECIMALS } from "./keys.js";
import { orderFromSpec } from "./orderSpec.js";
import { checkOracle, type OrderbookDeps } from "./placeOrder.js";
import { nextOrderId } from "./state.js";
import { decimalToUnits } from "./units.js";

export interface BundleResult {
  legs: Execution[];
  netCost: bigint;
}

/** Stateless checks: leg count, distinct markets, sides. */
export function checkBundleShape(legs: readonly BundleLeg[], maxNetCost: string): void {
  if (legs.length === 0) throw orderbookErrors.invalidBundle("a bundle needs at least one leg");
  if (legs.length > MAX_BUNDLE_LEGS)
    throw orderbookErrors.invalidBundle(`at most ${MAX_BUNDLE_LEGS} legs, got ${legs.length}`);
  const seen = new Set<string>();
  for (const [i, leg] of legs.entries()) {
    if (leg.market === "") throw orderbookErrors.invalidBundle(`leg ${i + 1} has no market`);
    if (seen.has(leg.market)) throw orderbookErrors.invalidBundle(`market ${leg.market} appears in more than one leg`);
    seen.add(leg.market);
    if (leg.side !== Side.SIDE_BUY && leg.side !== Side.SIDE_SELL)
      throw orderbookErrors.invalidBundle(`leg ${i + 1}: side must be buy or sell`);
  }
  if (maxNetCost !== "") parseNetCost(maxNetCost);
}

/** A signed USDC decimal to uusdc. */
function parseNetCost(text: string): bigint {
  const negative = text.trim().startsWith("-");
  const units = decimalToUnits(negative ? text.trim().slice(1) : text, QUOTE_DECIMALS);
  if (units === undefined) throw orderbookErrors.invalidBundle(`max net cost "${text}" is not a USDC amount`);
  return negative ? -units : units;
}

export function placeBundle(
  ctx: Context,
  deps: OrderbookDeps,
  account: AccountId,
  legs: readonly BundleLeg[],
  maxNetCost: string,
): BundleResult {
  checkBundleShape(legs, maxNetCost);
  if (!deps.margin.hasSubaccount(ctx, account))
    throw orderbookErrors.noSubaccount(`${account.owner}/${account.number}`);
  // Every leg is validated before any is matched, so a bad leg is reported as such.
  const orders = legs.map((leg, i) => {
    let parsed;
    try {
      parsed = orderFromSpec(ctx, deps.margin, account, {
        market: leg.market,
        side: leg.side,
        price: leg.price,
        size: leg.size,
        timeInForce: TimeInForce.TIME_IN_FORCE_FOK,
        orderType: OrderType.ORDER_TYPE_LIMIT,
        reduceOnly: false,
        clientId: 0n,
        goodTilBlock: 0n,
        goodTilTime: 0n,
        triggerType: TriggerType.TRIGGER_TYPE_UNSPECIFIED,
        triggerPrice: "",
        selfTrade: SelfTradePrevention.SELF_TRADE_PREVENTION_EXPIRE_MAKER,
        selfTradeAllSubaccounts: false,
      });
    } catch (e) {
      if (orderbookErrors.unknownMarket.is(e))
        throw orderbookErrors.invalidBundle(`leg ${i + 1}: unknown market ${leg.market}`);
      throw e;
    }
    checkOracle(ctx, deps, parsed.market, false);
    return parsed;
  });
  // A maker met in several legs is checked against all its fills so far, not one leg at a time.
  const makerFills = new Map<string, TradeDelta[]>();
  const planned = orders.map((parsed, i) => {
    const order = { ...parsed.order, id: nextOrderId(ctx) };
    try {
      const p = planExecution(ctx, deps.margin, parsed.market, order, {}, makerFills);
      for (const [owner, deltas] of p.makerDeltas) makerFills.set(owner, [...(makerFills.get(owner) ?? []), ...deltas]);
      return p;
    } catch (e) {
      if (orderbookErrors.fillOrKillNotFilled.is(e))
        throw orderbookErrors.bundleNotFilled(
          `leg ${i + 1} (${parsed.market.id}) cannot fill ${legs[i]!.size} at ${legs[i]!.price}`,
        );
      throw e;
    }
  });
  const netCost = planned.reduce((acc, p) => acc + p.takerDeltas.reduce((a, d) => a + d.cost, 0n), 0n);
  if (maxNetCost !== "" && netCost > parseNetCost(maxNetCost))
    throw orderbookErrors.netCostExceeded(`net cost ${netCost} uusdc > limit ${parseNetCost(maxNetCost)} uusdc`);
  const allDeltas = planned.flatMap((p) => p.takerDeltas);
  if (!deps.margin.meetsInitialMargin(ctx, account, allDeltas))
    throw orderbookErrors.insufficientMargin(`${account.owner}/${account.number} for the bundle`);
  const results = planned.map((p) => applyExecution(ctx, deps.margin, p));
  ctx.events.emit("bundle_filled", [
    ["owner", account.owner],
    ["subaccount", String(account.number)],
    ["legs", String(results.length)],
    ["net_cost", netCost.toString()],
  ]);
  return { legs: results, netCost };
}
