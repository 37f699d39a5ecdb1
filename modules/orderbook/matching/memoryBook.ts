import type { CursorSource, MakerCursor } from "./cursor.js";
import { matchingErrors } from "./errors.js";
import { Ladder, keyOf } from "./ladder.js";
import type { OrderNode } from "./ladder.js";
import { matchOrder } from "./match.js";
import { NodeCursor, snapshot } from "./nodeCursor.js";
import { OrderIndex } from "./orderIndex.js";
import type { BookView, DepthLevel, Fill, MatchOptions, MatchPlan, RestingOrder, Side, TakerOrder } from "./types.js";

/**
 * The pure engine's in-memory order book of one market: price levels in sorted order, a
 * FIFO list per level, and an index by id, never crossed (the best bid stays below the best
 * ask). It is the engine's own book, the reference its tests and the machine-limit benchmark
 * (bench/matching.ts, bench/orderPath.ts) run on. The keeper does not use it: its in-memory
 * book (../bookCache.ts) mirrors the store's keys instead, because it must walk exactly the
 * entries the store would, in its order and at its gas, and roll back with the tx branches.
 */
export class MemoryBook implements BookView, CursorSource {
  private readonly bids = new Ladder("buy");
  private readonly asks = new Ladder("sell");
  private readonly bidWalk = new NodeCursor("buy", this.bids.chunks);
  private readonly askWalk = new NodeCursor("sell", this.asks.chunks);
  private readonly index = new OrderIndex();
  /** Bumped by every change, so that a plan can be known to come from the book as it is. */
  private version = 0;
  private lastWalk: NodeCursor | undefined;

  /** Number of resting orders. */
  get size(): number {
    return this.index.size;
  }

  /** Adds a resting order. It must not cross the book: a crossing order is matched, not inserted. */
  insert(order: RestingOrder): void {
    if (typeof order.price !== "bigint" || order.price <= 0n) {
      throw matchingErrors.invalidPrice(undefined, { id: order.id, price: order.price });
    }
    if (typeof order.remaining !== "bigint" || order.remaining <= 0n) {
      throw matchingErrors.invalidSize(undefined, { id: order.id, size: order.remaining });
    }
    if (order.side !== "buy" && order.side !== "sell") throw matchingErrors.invalidOrder(undefined, { id: order.id });
    const best = this.ladder(opposite(order.side)).best();
    if (best !== undefined && crosses(order.side, order.price, best.price)) {
      throw matchingErrors.crossedBook(undefined, { id: order.id, price: order.price, opposite: best.price });
    }
    const ladder = this.ladder(order.side);
    const node = ladder.add(order.id, order.owner, order.remaining, order.price);
    if (!this.index.add(node)) {
      ladder.unlink(node);
      throw matchingErrors.duplicateOrderId(undefined, { id: order.id });
    }
    this.version++;
  }

  /** Removes an order (a cancel); returns it as it was, or undefined if it is not on the book. */
  remove(id: bigint): RestingOrder | undefined {
    const node = this.index.delete(keyOf(id));
    if (node === undefined) return undefined;
    const order = snapshot(node);
    this.ladder(node.level.side).unlink(node);
    this.version++;
    return order;
  }

  get(id: bigint): RestingOrder | undefined {
    const node = this.index.get(keyOf(id));
    return node === undefined ? undefined : snapshot(node);
  }

  bestBid(): bigint | undefined {
    return this.bids.best()?.price;
  }

  bestAsk(): bigint | undefined {
    return this.asks.best()?.price;
  }

  /** Up to `levels` price levels of one side, best first, with their total size and order count. */
  depth(side: Side, levels: number): DepthLevel[] {
    const out: DepthLevel[] = [];
    if (levels <= 0) return out;
    for (const level of this.ladder(side).bestFirst()) {
      out.push({ price: level.price, size: level.total, orders: level.count });
      if (out.length >= levels) break;
    }
    return out;
  }

  /** Best price first, then lowest id. The book must not change while the walk is under way. */
  *resting(side: Side): Generator<RestingOrder, void, undefined> {
    for (const level of this.ladder(side).bestFirst()) {
      for (let node = level.head; node !== undefined; node = node.next) yield snapshot(node);
    }
  }

  /** matchOrder's allocation-free walk over this book (see CursorSource). */
  makerCursor(side: Side): MakerCursor {
    // One cursor per side, restarted: matchOrder finishes a walk before it starts another.
    const walk = (side === "buy" ? this.bidWalk : this.askWalk).restart(this.version);
    this.lastWalk = walk;
    return walk;
  }

  /** Matches a taker and applies the plan: what a keeper does for each placement. */
  execute(taker: TakerOrder, options?: MatchOptions): MatchPlan {
    const plan = matchOrder(this, taker, options);
    this.apply(plan);
    return plan;
  }

  /**
   * Applies a plan computed by matchOrder on this book as it is now: reduces or removes the
   * filled makers, removes the expired ones and inserts the remainder. A plan that does not
   * fit the book (it changed since) is refused with stalePlan before anything changes.
   */
  apply(plan: MatchPlan): void {
    const { fills, expired, rest } = plan;
    if (fills.length === 0 && expired.length === 0) {
      // Most placements: nothing taken, at most a remainder to rest.
      if (rest !== undefined) this.insert(rest);
      return;
    }
    const walk = this.lastWalk;
    if (walk === undefined || walk.version !== this.version || !this.applyWalked(walk, plan)) this.applyChecked(plan);
  }

  private ladder(side: Side): Ladder {
    return side === "buy" ? this.bids : this.asks;
  }

  private removeNode(node: OrderNode): void {
    this.index.delete(node.key);
    this.ladder(node.level.side).unlink(node);
  }

  private fillNode(node: OrderNode, fill: Fill): void {
    if (fill.makerRemaining === 0n) {
      this.removeNode(node);
    } else {
      node.remaining = fill.makerRemaining;
      node.level.total -= fill.size;
    }
  }

  /**
   * The plan of the last walk, on an unchanged book: its makers are exactly the orders the
   * walk handed out, in order, so their nodes are known. False (nothing changed) for any
   * other plan, which applyChecked then examines.
   */
  private applyWalked(walk: NodeCursor, plan: MatchPlan): boolean {
    const { fills, expired, rest } = plan;
    const taken = walk.taken;
    if (taken.length !== 2 * (fills.length + expired.length)) return false;
    let f = 0;
    let e = 0;
    for (let k = 0; k < taken.length; k += 2) {
      const order = taken[k];
      if (f < fills.length && fills[f]!.maker === order) checkFill(fills[f++]!);
      else if (e < expired.length && expired[e] === order) e++;
      else return false;
    }
    if (rest !== undefined) {
      // Once the taken makers are gone the opposite side starts at the order the walk stopped on.
      const stop = walk.node;
      if (rest.side === walk.side || fills.some((fill) => fill.makerRemaining !== 0n)) return false;
      if (
        stop !== undefined &&
        (stop === taken[taken.length - 1] || crosses(rest.side, rest.price, stop.level.price))
      ) {
        return false;
      }
      if (rest.price <= 0n || rest.remaining <= 0n || this.index.get(keyOf(rest.id)) !== undefined) return false;
    }
    f = 0;
    for (let k = 1; k < taken.length; k += 2) {
      const node = taken[k] as OrderNode;
      const fill = fills[f];
      if (fill !== undefined && fill.maker === taken[k - 1]) {
        this.fillNode(node, fill);
        f++;
      } else {
        this.removeNode(node);
      }
    }
    if (rest !== undefined) this.index.add(this.ladder(rest.side).add(rest.id, rest.owner, rest.remaining, rest.price));
    this.version++;
    return true;
  }

  /** Any other plan: every maker is looked up and checked before anything changes. */
  private applyChecked(plan: MatchPlan): void {
    const { fills, expired, rest } = plan;
    const fillNodes = new Array<OrderNode>(fills.length);
    const expiredNodes = new Array<OrderNode>(expired.length);
    let previous: OrderNode | undefined;
    for (let i = 0; i < fills.length; i++) {
      const fill = fills[i]!;
      checkFill(fill);
      previous = fillNodes[i] = this.nodeFor(fill.maker, previous);
    }
    previous = undefined;
    for (let i = 0; i < expired.length; i++) previous = expiredNodes[i] = this.nodeFor(expired[i]!, previous);
    if (expired.length > 0) checkSelfTrade(fills, expired);
    if (rest !== undefined) this.checkRest(rest, fills, fillNodes, expiredNodes);

    for (let i = 0; i < fillNodes.length; i++) this.fillNode(fillNodes[i]!, fills[i]!);
    for (const node of expiredNodes) this.removeNode(node);
    if (rest !== undefined) this.index.add(this.ladder(rest.side).add(rest.id, rest.owner, rest.remaining, rest.price));
    this.version++;
  }

  /**
   * The node of an order a plan names, which must be on the book as the plan saw it and come
   * after the previous one in priority order (so that no order appears twice).
   */
  private nodeFor(order: RestingOrder, previous: OrderNode | undefined): OrderNode {
    const node = this.index.get(keyOf(order.id));
    if (
      node === undefined ||
      node.remaining !== order.remaining ||
      node.level.price !== order.price ||
      node.level.side !== order.side ||
      node.owner !== order.owner ||
      (previous !== undefined && !comesAfter(node, previous))
    ) {
      throw matchingErrors.stalePlan(undefined, { id: order.id });
    }
    return node;
  }

  /** The remainder must be new and must not cross what is left once the plan's makers are gone. */
  private checkRest(
    rest: RestingOrder,
    fills: readonly Fill[],
    fillNodes: readonly OrderNode[],
    expiredNodes: readonly OrderNode[],
  ): void {
    if (rest.price <= 0n || rest.remaining <= 0n) throw matchingErrors.stalePlan(undefined, { id: rest.id });
    if (this.index.get(keyOf(rest.id)) !== undefined) throw matchingErrors.duplicateOrderId(undefined, { id: rest.id });
    // The removed makers are the first ones of the opposite side's walk: skip them in step.
    const side = opposite(rest.side);
    const walk = new NodeCursor(side, this.ladder(side).chunks).restart(this.version);
    let f = 0;
    let e = 0;
    while (walk.advance()) {
      const node = walk.node!;
      if (f < fillNodes.length && fillNodes[f] === node && fills[f]!.makerRemaining === 0n) f++;
      else if (e < expiredNodes.length && expiredNodes[e] === node) e++;
      else {
        if (crosses(rest.side, rest.price, node.level.price))
          throw matchingErrors.stalePlan(undefined, { id: rest.id });
        return;
      }
    }
  }
}

function opposite(side: Side): Side {
  return side === "buy" ? "sell" : "buy";
}

function crosses(side: Side, price: bigint, opposite: bigint): boolean {
  return side === "buy" ? price >= opposite : price <= opposite;
}

/** True if `node` comes after `previous` in the walk of their side. */
function comesAfter(node: OrderNode, previous: OrderNode): boolean {
  if (node.level.side !== previous.level.side) return false;
  if (node.level === previous.level) return node.key > previous.key;
  const a = node.level.price;
  const b = previous.level.price;
  return node.level.side === "buy" ? a < b : a > b;
}

/** Expired orders all belong to the taker's owner, filled makers never do: no order is both. */
function checkSelfTrade(fills: readonly Fill[], expired: readonly RestingOrder[]): void {
  const owner = expired[0]!.owner;
  const side = expired[0]!.side;
  for (const order of expired) {
    if (order.owner !== owner) throw matchingErrors.stalePlan(undefined, { id: order.id });
  }
  for (const fill of fills) {
    if (fill.maker.owner === owner || fill.maker.side !== side) {
      throw matchingErrors.stalePlan(undefined, { id: fill.maker.id });
    }
  }
}

function checkFill(fill: Fill): void {
  if (
    fill.size <= 0n ||
    fill.price !== fill.maker.price ||
    fill.makerRemaining < 0n ||
    fill.makerRemaining !== fill.maker.remaining - fill.size
  ) {
    throw matchingErrors.stalePlan(undefined, { id: fill.maker.id });
  }
}
