/**
 * Bankruptcy prices: the price at which closing a position consumes exactly its share of the
 * account's equity. With several positions the equity is split between them, so that each
 * position has its own bankruptcy price in its own market:
 *
 * - Positive equity (what a liquidation may still lose on the book) is split by maintenance
 *   margin, as dYdX splits it.
 * - A deficit (negative equity) follows the positions that lost it: it is split by each
 *   position's unrealised loss against its entry cost, so a market that did not lose the
 *   money does not pay it back. Only when no position shows a loss (a deficit made of funding
 *   or fees) is it split by maintenance margin. No position carries more than its own value
 *   less a tick per contract, so a short is never bought back at or below zero nor a long
 *   sold above twice its mark; what the caps leave unplaced stays with the account, a debt
 *   for the insurance fund.
 */
import { abs } from "../../chain/types/fixed/index.js";
import { usdcToUusdcFloor, type AccountRisk, type PositionRisk } from "./risk.js";

/**
 * Each position's share of the account's equity (uusdc). Positive equity: by maintenance margin,
 * summing to the equity exactly. Negative equity: see `deficitShares`.
 */
export function equityShares(risk: AccountRisk): bigint[] {
  const positions = risk.positions;
  if (positions.length === 0) return [];
  if (risk.equity < 0n) return deficitShares(risk);
  // Long options need no maintenance margin; with nothing else to weigh by, use each value.
  const weights = risk.mm > 0n ? positions.map((p) => p.mm) : positions.map((p) => abs(p.value));
  const total = weights.reduce((a, w) => a + w, 0n);
  if (total === 0n) return positions.map((_, i) => (i === 0 ? risk.equity : 0n));
  const shares = weights.map((w) => (risk.equity * w) / total);
  shares[shares.length - 1]! += risk.equity - shares.reduce((a, s) => a + s, 0n);
  return shares;
}

/** A position's unrealised loss (uusdc, ≥ 0): entry cost less value, both signed (a short's are negative). */
export function unrealisedLoss(p: PositionRisk): bigint {
  const loss = BigInt(p.position.entryCost) - p.value;
  return loss > 0n ? loss : 0n;
}

/**
 * The deficit a position may carry (uusdc), as [least, most]. Closing it moves its price from
 * the mark by carry / contracts: a long is sold above the mark, a short bought back below it.
 * The price stays within [tick, 2 × mark − tick], so the carry within ±(value − tick value);
 * a position worth less than a tick per contract is closed at the tick, a carry fixed by it.
 */
export function carryBounds(p: PositionRisk): { least: bigint; most: bigint } {
  const size = p.position.size;
  const tickValue = (p.market.tickSize * abs(size)) / 10n ** BigInt(p.market.sizeDecimals);
  const room = abs(p.value) - tickValue;
  if (room >= 0n) return { least: 0n, most: room };
  // Worth less than a tick: a long is sold up to the tick (it carries a little), a short bought at it.
  const fixed = size > 0n ? -room : room;
  return { least: fixed, most: fixed };
}

/**
 * The deficit's shares (each ≤ 0 unless a tick floor fixes it): weighted by unrealised loss, or by
 * maintenance margin (then value) when no position has a loss, each capped by `carryBounds`; a
 * capped position's excess goes to the others by the same weights. They sum to the equity less
 * what no position can carry; a position of weight zero carries nothing.
 */
export function deficitShares(risk: AccountRisk): bigint[] {
  const positions = risk.positions;
  const losses = positions.map(unrealisedLoss);
  const mms = positions.map((p) => p.mm);
  const weights = [losses, mms, positions.map((p) => abs(p.value))].find((ws) => ws.some((w) => w > 0n)) ?? losses;
  const bounds = positions.map(carryBounds);
  const carry = bounds.map((b) => b.least);
  let need = -risk.equity - carry.reduce((a, c) => a + c, 0n);
  let open = positions.map((_, i) => i).filter((i) => weights[i]! > 0n && bounds[i]!.most > carry[i]!);
  const room = (i: number) => bounds[i]!.most - carry[i]!;
  const weightOf = (list: number[]) => list.reduce((a, i) => a + weights[i]!, 0n);
  // Positions whose weighted part would pass their cap carry their cap; the rest is weighed again.
  for (;;) {
    const total = weightOf(open);
    const full = need > 0n ? open.filter((i) => (need * weights[i]!) / total >= room(i)) : [];
    if (full.length === 0) break;
    for (const i of full) {
      need -= room(i);
      carry[i] = bounds[i]!.most;
    }
    open = open.filter((i) => !full.includes(i));
  }
  if (need > 0n && open.length > 0) {
    const total = weightOf(open);
    const parts = open.map((i) => (need * weights[i]!) / total);
    open.forEach((i, k) => (carry[i]! += parts[k]!));
    // The rounding remainder, fewer uusdc than open positions: one each, in position order (none is at its cap).
    const remainder = need - parts.reduce((a, c) => a + c, 0n);
    open.slice(0, Number(remainder)).forEach((i) => (carry[i]! += 1n));
  }
  return carry.map((c) => -c);
}

/** The mark in uusdc per contract, rounded down. */
export function markUusdc(p: PositionRisk): bigint {
  return usdcToUusdcFloor(p.mark);
}

/**
 * The price (uusdc per contract) at which closing all of `p` consumes exactly `share` of
 * equity: mark − share / contracts. Rounded against the liquidated account: a sell limit up,
 * a buy limit down, so a fill at the limit never leaves it below zero.
 */
export function bankruptcyPrice(p: PositionRisk, share: bigint): bigint {
  const unit = 10n ** BigInt(p.market.sizeDecimals);
  const size = p.position.size;
  const num = share * unit;
  // mark − num / size, with the division rounded so the result errs toward the account's side.
  const q = num / size;
  const exact = num % size === 0n;
  const sell = size > 0n;
  // For a sell we want the smallest price ≥ exact value: mark − floor(num/size).
  const floorQ = !exact && num < 0n !== size < 0n ? q - 1n : q;
  const ceilQ = !exact && num < 0n === size < 0n ? q + 1n : q;
  return sell ? markUusdc(p) - floorQ : markUusdc(p) - ceilQ;
}
