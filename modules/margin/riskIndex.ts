/**
 * Which accounts the end block examines: those written since the last look (dirty), those
 * already below maintenance or in debt (watched), those whose recheck time came, and those
 * whose safe band a price move crossed. Everyone else is provably (to the band's precision)
 * above maintenance and is not read at all, so the cost of a block follows what changed,
 * not how many accounts exist. An account examined and found healthy gets a new band; one
 * found under maintenance is a liquidation candidate and stays watched until it recovers.
 */
import type { Context } from "../../chain/runtime/types.js";
import { isStrikeError } from "../../chain/types/errors.js";
import type { MarginLedger } from "./ledger.js";
import {
  AccountSet,
  bandedUnderlyings,
  clearBand,
  clearDirty,
  collectCrossed,
  collectDirty,
  collectDueRechecks,
  setBand,
  markDirty,
  setWatched,
  watchedAccounts,
} from "./riskIndexState.js";
import { safeBand } from "./safeBand.js";
import type { OpenOrdersReader } from "./expectedKeepers.js";
import { deleteSubaccount, getSubaccount, marketHolders, type AccountId } from "./state.js";

/** What one look at an account found. */
type Verdict = "healthy" | "liquidatable" | "in_debt" | "unpriced" | "gone";

function examine(ctx: Context, keeper: MarginLedger, id: AccountId, orders?: OpenOrdersReader): Verdict {
  clearDirty(ctx, id);
  clearBand(ctx, id);
  const sub = getSubaccount(ctx, id);
  if (sub === undefined) return "gone";
  const positions = keeper.positions(ctx, id);
  if (positions.length === 0) {
    const quote = BigInt(sub.quoteBalance);
    if (quote < 0n) return "in_debt";
    // An empty subaccount costs state for nothing: it goes (a deposit creates it again).
    if (quote === 0n && orders !== undefined && !orders.hasOpenOrders(ctx, id)) {
      deleteSubaccount(ctx, id);
      return "gone";
    }
    return "healthy";
  }
  let risk;
  try {
    risk = keeper.accountRisk(ctx, id)!;
  } catch (e) {
    // A position without a price cannot be judged: look again next block.
    if (isStrikeError(e)) return "unpriced";
    throw e;
  }
  if (risk.equity < risk.mm) return "liquidatable";
  setBand(ctx, id, safeBand(ctx, keeper.deps, sub, risk));
  return "healthy";
}

/**
 * Examines the accounts that may have changed and re-indexes them; returns the ones under
 * maintenance margin, in key order.
 */
export function refreshRiskIndex(ctx: Context, keeper: MarginLedger, orders?: OpenOrdersReader): AccountId[] {
  const candidates = new AccountSet();
  collectDirty(ctx, candidates);
  for (const id of watchedAccounts(ctx)) candidates.add(id);
  collectDueRechecks(ctx, ctx.block.time.seconds, candidates);
  for (const underlying of bandedUnderlyings(ctx)) {
    const p = keeper.deps.prices.price(ctx, underlying);
    if (p !== undefined) collectCrossed(ctx, underlying, p.price, candidates);
  }
  const liquidatable: AccountId[] = [];
  for (const id of candidates.sorted()) {
    const verdict = examine(ctx, keeper, id, orders);
    setWatched(ctx, id, verdict !== "healthy" && verdict !== "gone");
    if (verdict === "liquidatable") liquidatable.push(id);
  }
  return liquidatable;
}

/** A market's terms changed (implied volatility): every holder is examined at the next look. */
export function markHoldersDirty(ctx: Context, market: string): void {
  for (const id of [...marketHolders(ctx, market)]) markDirty(ctx, id);
}
