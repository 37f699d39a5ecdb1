/**
 * Auto-deleveraging: used only when a bankrupt account's deficit is more than the insurance
 * fund holds. Each position is closed in its own market at its own bankruptcy price (its share
 * of the deficit, split by unrealised loss in bankruptcy.ts, so a position that lost nothing is
 * closed at its mark) against opposite positions ranked by profit × leverage, and no
 * counterparty is taken below zero equity: what they cannot absorb stays with the bankrupt
 * account for the next block.
 */
import type { Context } from "../../chain/runtime/types.js";
import { abs } from "../../chain/types/fixed/index.js";
import { applyDelta, type MarginLedger } from "./ledger.js";
import type { PositionRisk } from "./risk.js";
import { marketHolders, type AccountId } from "./state.js";

interface Counterparty {
  id: AccountId;
  size: bigint;
  equity: bigint;
  /** Ranking key: pnl × notional (the numerator) over entry cost × equity (the denominator). */
  num: bigint;
  den: bigint;
}

const sameAccount = (a: AccountId, b: AccountId) => a.owner === b.owner && a.number === b.number;

/**
 * Opposite holders of the market with positive equity, best first by (pnl / entry cost) ×
 * (notional / equity): the most profitable, most leveraged positions give way first.
 * Ties keep the holders index order (account key order), so the ranking is deterministic.
 */
function rankedCounterparties(ctx: Context, keeper: MarginLedger, market: string, side: bigint, self: AccountId) {
  const out: Counterparty[] = [];
  for (const id of marketHolders(ctx, market)) {
    if (sameAccount(id, self)) continue;
    const p = keeper.getPosition(ctx, id, market);
    if (p === undefined || p.size > 0n === side > 0n) continue;
    const risk = keeper.accountRisk(ctx, id);
    const pr = risk?.positions.find((r) => r.market.id === market);
    if (risk === undefined || pr === undefined || risk.equity <= 0n) continue;
    const entry = abs(BigInt(p.entryCost));
    const pnl = pr.value - BigInt(p.entryCost);
    out.push({
      id,
      size: p.size,
      equity: risk.equity,
      num: pnl * abs(pr.value),
      den: (entry === 0n ? 1n : entry) * risk.equity,
    });
  }
  // a.num/a.den > b.num/b.den  ⇔  a.num·b.den > b.num·a.den (dens are positive).
  return out.sort((a, b) => {
    const l = a.num * b.den;
    const r = b.num * a.den;
    return l === r ? 0 : l > r ? -1 : 1;
  });
}

/**
 * Closes as much of one position as counterparties can absorb, at the price that consumes
 * exactly `share` (this position's part of the account's equity, negative when bankrupt).
 * Returns the size closed.
 */
export function deleveragePosition(
  ctx: Context,
  keeper: MarginLedger,
  id: AccountId,
  pr: PositionRisk,
  share: bigint,
): bigint {
  const market = pr.market;
  const size = pr.position.size;
  const total = abs(size);
  // What the account receives for its whole position; counterparties pay it pro rata.
  const proceeds = pr.value - share;
  // A counterparty's equity changes by share × take / |size| (a loss when share < 0).
  const lossPerAll = share < 0n ? -share : 0n;
  const sign = size > 0n ? 1n : -1n;
  let closed = 0n;
  let paid = 0n;
  let mine = keeper.getPosition(ctx, id, market.id)!;
  for (const c of rankedCounterparties(ctx, keeper, market.id, size, id)) {
    if (closed === total) break;
    let take = abs(c.size) < total - closed ? abs(c.size) : total - closed;
    // Never past zero equity: loss = lossPerAll × take / total, rounded up, plus a unit of slack.
    if (lossPerAll > 0n) {
      const affordable = ((c.equity - 1n) * total) / lossPerAll;
      if (affordable < take) take = affordable;
    }
    if (take <= 0n) continue;
    closed += take;
    const owed = closed === total ? proceeds - paid : (proceeds * closed) / total - paid;
    paid += owed;
    mine = applyDelta(mine, -sign * take, -owed);
    keeper.setPosition(ctx, applyDelta(keeper.getPosition(ctx, c.id, market.id)!, sign * take, owed));
    keeper.adjustQuote(ctx, c.id, -owed);
    ctx.events.emit("deleverage", [
      ["market", market.id],
      ["liquidated", `${id.owner}/${id.number}`],
      ["counterparty", `${c.id.owner}/${c.id.number}`],
      ["size", take.toString()],
      ["amount", owed.toString()],
    ]);
  }
  keeper.setPosition(ctx, mine);
  keeper.adjustQuote(ctx, id, paid);
  return closed;
}
