/**
 * An obviously correct order book and matcher to test the engine against: one array of
 * orders, filtered and sorted again on every read, and the matching rules written out
 * plainly over the full list of crossing orders.
 */
import type {
  BookView,
  CancelReason,
  DepthLevel,
  Fill,
  MatchPlan,
  RestingOrder,
  Side,
  TakerOrder,
} from "../../../../../modules/orderbook/matching/index.js";

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class ReferenceBook implements BookView {
  private orders: RestingOrder[] = [];

  resting(side: Side): RestingOrder[] {
    return this.orders
      .filter((o) => o.side === side)
      .sort((a, b) => (side === "buy" ? compare(b.price, a.price) : compare(a.price, b.price)) || compare(a.id, b.id));
  }

  get size(): number {
    return this.orders.length;
  }

  insert(order: RestingOrder): void {
    this.orders.push({ ...order });
  }

  remove(id: bigint): RestingOrder | undefined {
    const found = this.orders.find((o) => o.id === id);
    this.orders = this.orders.filter((o) => o.id !== id);
    return found;
  }

  best(side: Side): bigint | undefined {
    return this.resting(side)[0]?.price;
  }

  depth(side: Side, levels: number): DepthLevel[] {
    const out: DepthLevel[] = [];
    for (const o of this.resting(side)) {
      const last = out[out.length - 1];
      if (last !== undefined && last.price === o.price) {
        out[out.length - 1] = { price: o.price, size: last.size + o.remaining, orders: last.orders + 1 };
      } else {
        out.push({ price: o.price, size: o.remaining, orders: 1 });
      }
    }
    return out.slice(0, levels);
  }

  /** Replaces, never mutates, so that orders handed out earlier keep their values. */
  apply(plan: MatchPlan): void {
    for (const fill of plan.fills) {
      this.orders = this.orders
        .map((o) => (o.id === fill.maker.id ? { ...o, remaining: fill.makerRemaining } : o))
        .filter((o) => o.remaining > 0n);
    }
    const expired = new Set(plan.expired.map((o) => o.id));
    this.orders = this.orders.filter((o) => !expired.has(o.id));
    if (plan.rest !== undefined) this.insert(plan.rest);
  }
}

/** The matching rules, written for clarity rather than speed. */
export function referenceMatch(book: ReferenceBook, taker: TakerOrder, maxFills = 1000): MatchPlan {
  const crosses = (o: RestingOrder): boolean =>
    taker.side === "buy" ? o.price <= taker.price : o.price >= taker.price;
  const crossing = book.resting(taker.side === "buy" ? "sell" : "buy").filter(crosses);
  const nothing = { fills: [], expired: [], filled: 0n, remaining: taker.size };

  if (taker.tif === "post_only") {
    if (crossing.length > 0) return { ...nothing, outcome: "rejected_post_only" };
    return { ...nothing, outcome: "rests", rest: restOf(taker, taker.size) };
  }

  const fills: Fill[] = [];
  const expired: RestingOrder[] = [];
  let left = taker.size;
  let reason: CancelReason | undefined;
  for (const maker of crossing) {
    if (left === 0n) break;
    if (fills.length === maxFills) {
      reason = "max_fills";
      break;
    }
    if (maker.owner === taker.owner) {
      if (taker.stp !== "expire_taker") expired.push(maker);
      if (taker.stp !== "expire_maker") {
        reason = "self_trade";
        break;
      }
      continue;
    }
    const size = maker.remaining < left ? maker.remaining : left;
    fills.push({ maker, price: maker.price, size, makerRemaining: maker.remaining - size });
    left -= size;
  }

  const result = { fills, expired, filled: taker.size - left, remaining: left };
  if (left === 0n) return { ...result, outcome: "filled" };
  if (taker.tif === "fok") return { ...nothing, outcome: "rejected_fok" };
  if (reason === undefined && taker.tif === "ioc") reason = "ioc";
  if (reason !== undefined) return { ...result, outcome: "cancelled_remainder", cancelReason: reason };
  return { ...result, outcome: "rests", rest: restOf(taker, left) };
}

function restOf(taker: TakerOrder, remaining: bigint): RestingOrder {
  return { id: taker.id, owner: taker.owner, side: taker.side, price: taker.price, remaining };
}
