import { IterableCursor, isCursorSource } from "./cursor.js";
import type { MakerCursor } from "./cursor.js";
import { matchingErrors } from "./errors.js";
import type { BookView, CancelReason, Fill, MatchOptions, MatchPlan, RestingOrder, TakerOrder } from "./types.js";

export const DEFAULT_MAX_FILLS = 1000;

const NONE: readonly never[] = Object.freeze([]);

/**
 * Matches a taker against a book by price-time priority and returns what should happen,
 * without changing the book: apply the plan to change it (MemoryBook.apply does).
 * It walks the opposite side lazily and stops at the first order that does not cross.
 */
export function matchOrder(book: BookView, taker: TakerOrder, options?: MatchOptions): MatchPlan {
  const maxFills = options?.maxFills ?? DEFAULT_MAX_FILLS;
  validateTaker(taker, maxFills);
  const opposite = taker.side === "buy" ? "sell" : "buy";
  const cursor = isCursorSource(book) ? book.makerCursor(opposite) : new IterableCursor(book.resting(opposite));
  try {
    return matchWith(cursor, taker, maxFills);
  } finally {
    cursor.close();
  }
}

function matchWith(cursor: MakerCursor, taker: TakerOrder, maxFills: number): MatchPlan {
  const isBuy = taker.side === "buy";
  const limit = taker.price;
  let fills: Fill[] | undefined;
  let expired: RestingOrder[] | undefined;
  let remaining = taker.size;
  let stoppedBy: CancelReason | undefined;
  const ownerWide = taker.stpScope === "owner";
  const takerOwner = ownerWide ? ownerOf(taker.owner) : taker.owner;

  while (remaining > 0n && cursor.advance()) {
    const price = cursor.price;
    if (isBuy ? price > limit : price < limit) break;
    // A post-only order that would cross at all (even its own orders) takes no liquidity.
    if (taker.tif === "post_only") return unchanged(taker, "rejected_post_only");
    if (fills !== undefined && fills.length >= maxFills) {
      stoppedBy = "max_fills";
      break;
    }
    if (cursor.owner === taker.owner || (ownerWide && ownerOf(cursor.owner) === takerOwner)) {
      if (taker.stp === "expire_taker") {
        stoppedBy = "self_trade";
        break;
      }
      (expired ??= []).push(cursor.current());
      if (taker.stp === "expire_both") {
        stoppedBy = "self_trade";
        break;
      }
      continue;
    }
    const available = cursor.remaining;
    const size = available < remaining ? available : remaining;
    remaining -= size;
    (fills ??= []).push({ maker: cursor.current(), price, size, makerRemaining: available - size });
  }

  if (remaining === 0n) {
    return { fills: fills ?? NONE, expired: expired ?? NONE, filled: taker.size, remaining, outcome: "filled" };
  }
  const filled = fills === undefined ? 0n : taker.size - remaining;
  // Fill-or-kill: whatever stopped it (the book, self-trade prevention, the fill bound), nothing happens.
  if (taker.tif === "fok") return unchanged(taker, "rejected_fok");
  if (stoppedBy === undefined && taker.tif === "ioc") stoppedBy = "ioc";
  if (stoppedBy !== undefined) {
    return {
      fills: fills ?? NONE,
      expired: expired ?? NONE,
      filled,
      remaining,
      outcome: "cancelled_remainder",
      cancelReason: stoppedBy,
    };
  }
  const rest: RestingOrder = { id: taker.id, owner: taker.owner, side: taker.side, price: limit, remaining };
  return { fills: fills ?? NONE, expired: expired ?? NONE, filled, remaining, outcome: "rests", rest };
}

/** The owner part of an account key "<owner>/<subaccount>" (the whole key if it has no "/"). */
function ownerOf(accountKey: string): string {
  const slash = accountKey.lastIndexOf("/");
  return slash < 0 ? accountKey : accountKey.slice(0, slash);
}

function unchanged(taker: TakerOrder, outcome: "rejected_post_only" | "rejected_fok"): MatchPlan {
  return { fills: NONE, expired: NONE, filled: 0n, remaining: taker.size, outcome };
}

function validateTaker(taker: TakerOrder, maxFills: number): void {
  if (typeof taker.size !== "bigint" || taker.size <= 0n) {
    throw matchingErrors.invalidSize(undefined, { id: taker.id, size: taker.size });
  }
  if (typeof taker.price !== "bigint" || taker.price <= 0n) {
    throw matchingErrors.invalidPrice(undefined, { id: taker.id, price: taker.price });
  }
  if (
    (taker.side !== "buy" && taker.side !== "sell") ||
    (taker.tif !== "gtc" && taker.tif !== "ioc" && taker.tif !== "fok" && taker.tif !== "post_only") ||
    (taker.stp !== "expire_maker" && taker.stp !== "expire_taker" && taker.stp !== "expire_both")
  ) {
    throw matchingErrors.invalidOrder(undefined, { id: taker.id });
  }
  if (!Number.isSafeInteger(maxFills) || maxFills < 1) {
    throw matchingErrors.invalidMaxFills(undefined, { maxFills });
  }
}
