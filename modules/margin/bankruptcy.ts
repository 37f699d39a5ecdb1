/**
 * Bankruptcy prices: the price at which closing a position leaves the account at zero
 * equity. With several positions the account's equity is split between them by their
 * maintenance margin (as dYdX splits it), so each position has its own bankruptcy price in
 * its own market and no position carries another market's loss.
 */
import { abs } from "../../chain/types/fixed/index.js";
import { usdcToUusdcFloor, type AccountRisk, type PositionRisk } from "./risk.js";

/** Each position's share of the account's equity (uusdc), by maintenance margin; they sum to the equity exactly. */
export function equityShares(risk: AccountRisk): bigint[] {
  const positions = risk.positions;
  if (positions.length === 0) return [];
  // Long options need no maintenance margin; with nothing else to weigh by, use each value.
  const weights = risk.mm > 0n ? positions.map((p) => p.mm) : positions.map((p) => abs(p.value));
  const total = weights.reduce((a, w) => a + w, 0n);
  if (total === 0n) return positions.map((_, i) => (i === 0 ? risk.equity : 0n));
  const shares = weights.map((w) => (risk.equity * w) / total);
  shares[shares.length - 1]! += risk.equity - shares.reduce((a, s) => a + s, 0n);
  return shares;
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
