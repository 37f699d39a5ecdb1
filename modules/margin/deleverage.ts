/**
 * Auto-deleveraging: when the book cannot absorb a liquidation, the position is closed
 * against the most profitable opposite positions. At the mark price normally; at the
 * bankruptcy price (the one that leaves the account at zero equity) when the account's
 * equity is negative and the insurance fund cannot cover it.
 */
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { Context } from "../../chain/runtime/types.js";
import { abs } from "../../chain/types/fixed/index.js";
import { applyDelta, type MarginKeeper } from "./keeper.js";
import { marketHolders, type AccountId } from "./state.js";

interface Counterparty {
  id: AccountId;
  size: bigint;
  pnl: bigint;
}

function rankedCounterparties(
  ctx: Context,
  keeper: MarginKeeper,
  market: Market,
  side: bigint,
  self: AccountId,
): Counterparty[] {
  const out: Counterparty[] = [];
  for (const id of marketHolders(ctx, market.id)) {
    if (id.owner === self.owner && id.number === self.number) continue;
    const p = keeper.getPosition(ctx, id, market.id);
    if (p === undefined || p.size > 0n === side > 0n) continue;
    const risk = keeper.accountRisk(ctx, id);
    const pr = risk?.positions.find((r) => r.market.id === market.id);
    out.push({ id, size: p.size, pnl: (pr?.value ?? 0n) - BigInt(p.entryCost) });
  }
  // Most profitable first; ties by account key order (the holders index order is stable).
  return out.sort((a, b) => (a.pnl === b.pnl ? 0 : a.pnl > b.pnl ? -1 : 1));
}

/** Closes as much of the account's position as opposite holders allow; returns the size closed. */
export function autoDeleverage(
  ctx: Context,
  keeper: MarginKeeper,
  id: AccountId,
  market: Market,
  atBankruptcy: boolean,
): bigint {
  const position = keeper.getPosition(ctx, id, market.id);
  const risk = keeper.accountRisk(ctx, id);
  if (position === undefined || risk === undefined) return 0n;
  const value = risk.positions.find((r) => r.market.id === market.id)?.value ?? 0n;
  // What the account receives for its whole position.
  const total = atBankruptcy && risk.equity < 0n ? value - risk.equity : value;
  const size = position.size;
  const sign = size > 0n ? 1n : -1n;
  let remaining = abs(size);
  let paid = 0n;
  let mine = position;
  for (const c of rankedCounterparties(ctx, keeper, market, size, id)) {
    if (remaining === 0n) break;
    const take = abs(c.size) < remaining ? abs(c.size) : remaining;
    remaining -= take;
    const closedSoFar = abs(size) - remaining;
    const share = remaining === 0n ? total - paid : (total * closedSoFar) / abs(size) - paid;
    paid += share;
    mine = applyDelta(mine, -sign * take, -share);
    const theirs = keeper.getPosition(ctx, c.id, market.id)!;
    keeper.setPosition(ctx, applyDelta(theirs, sign * take, share));
    keeper.adjustQuote(ctx, c.id, -share);
    ctx.events.emit("deleverage", [
      ["market", market.id],
      ["liquidated", `${id.owner}/${id.number}`],
      ["counterparty", `${c.id.owner}/${c.id.number}`],
      ["size", take.toString()],
      ["amount", share.toString()],
    ]);
  }
  keeper.setPosition(ctx, mine);
  keeper.adjustQuote(ctx, id, paid);
  return abs(size) - remaining;
}
