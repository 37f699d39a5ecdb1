import type { Side } from "./types.js";

/**
 * One resting order inside MemoryBook: a node of its price level's FIFO list. Nodes of
 * removed orders are reused (see Ladder.unlink), so a node is only valid while its order rests.
 */
export class OrderNode {
  /**
   * The order id as a number while it is a safe integer (as market ids are), else the bigint
   * (see keyOf): a small number costs no allocation, where a bigint is one more object per order.
   */
  key: number | bigint;
  owner: string;
  remaining: bigint;
  level: Level;
  prev: OrderNode | undefined;
  next: OrderNode | undefined;

  constructor(key: number | bigint, owner: string, remaining: bigint, level: Level) {
    this.key = key;
    this.owner = owner;
    this.remaining = remaining;
    this.level = level;
    this.prev = undefined;
    this.next = undefined;
  }
}

/** The id of a node's order. */
export function idOf(node: OrderNode): bigint {
  const key = node.key;
  return typeof key === "bigint" ? key : BigInt(key);
}

/** All orders at one price on one side, oldest (lowest id) first. */
export class Level {
  readonly side: Side;
  readonly price: bigint;
  head: OrderNode | undefined;
  tail: OrderNode | undefined;
  count: number;
  total: bigint;

  constructor(side: Side, price: bigint) {
    this.side = side;
    this.price = price;
    this.head = undefined;
    this.tail = undefined;
    this.count = 0;
    this.total = 0n;
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * An integer as a number while exact (it hashes, compares and stores cheaper than a bigint),
 * else the bigint itself. Numbers and bigints compare exactly with each other.
 */
export function keyOf(x: bigint): number | bigint {
  return x <= MAX_SAFE && x >= -MAX_SAFE ? Number(x) : x;
}

/** Levels per chunk before it splits: inserting or removing a level moves at most this many. */
const CHUNK = 256;
/** Removed nodes kept for reuse, per side. */
const SPARE_NODES = 16_384;

/**
 * One side of a book: its non-empty price levels sorted worst to best, in chunks (a B-tree
 * of height two), so that the best level is the last of the last chunk and adding or
 * removing a level anywhere moves at most CHUNK elements, however deep the book is.
 */
export class Ladder {
  readonly side: Side;
  /** Non-empty chunks of levels; worst first, best last, within and across chunks. */
  readonly chunks: Level[][] = [];
  private readonly byPrice = new Map<number | bigint, Level>();
  /**
   * Nodes of removed orders. Most orders rest long enough to be promoted to the old
   * generation; reusing their nodes spares the young-generation collector from copying a
   * new node for nearly every placement.
   */
  private readonly spare: OrderNode[] = [];

  constructor(side: Side) {
    this.side = side;
  }

  best(): Level | undefined {
    const chunks = this.chunks;
    const last = chunks[chunks.length - 1];
    return last === undefined ? undefined : last[last.length - 1];
  }

  /** Levels best first. */
  *bestFirst(): Generator<Level, void, undefined> {
    const chunks = this.chunks;
    for (let c = chunks.length - 1; c >= 0; c--) {
      const chunk = chunks[c]!;
      for (let i = chunk.length - 1; i >= 0; i--) yield chunk[i]!;
    }
  }

  /** True if price `a` has priority over price `b` on this side. */
  isBetter(a: bigint, b: bigint): boolean {
    return this.side === "buy" ? a > b : a < b;
  }

  /** Appends a node in id order within its price level, creating the level if needed. */
  add(id: bigint, owner: string, remaining: bigint, price: bigint): OrderNode {
    const key = keyOf(price);
    let level = this.byPrice.get(key);
    if (level === undefined) {
      level = new Level(this.side, price);
      this.byPrice.set(key, level);
      this.insertLevel(level);
    }
    const idKey = keyOf(id);
    let node = this.spare.pop();
    if (node === undefined) {
      node = new OrderNode(idKey, owner, remaining, level);
    } else {
      node.key = idKey;
      node.owner = owner;
      node.remaining = remaining;
      node.level = level;
    }
    let after = level.tail;
    // Arrival order is id order, so this loop runs only when orders are inserted out of order (a rebuild).
    while (after !== undefined && after.key > idKey) after = after.prev;
    if (after === undefined) {
      node.next = level.head;
      if (level.head !== undefined) level.head.prev = node;
      else level.tail = node;
      level.head = node;
    } else {
      node.prev = after;
      node.next = after.next;
      if (after.next !== undefined) after.next.prev = node;
      else level.tail = node;
      after.next = node;
    }
    level.count++;
    level.total += remaining;
    return node;
  }

  /** Unlinks a node, which its caller must not use again; drops its level once empty. */
  unlink(node: OrderNode): void {
    const level = node.level;
    if (node.prev !== undefined) node.prev.next = node.next;
    else level.head = node.next;
    if (node.next !== undefined) node.next.prev = node.prev;
    else level.tail = node.prev;
    node.prev = undefined;
    node.next = undefined;
    level.count--;
    level.total -= node.remaining;
    if (level.count === 0) this.dropLevel(level);
    if (this.spare.length < SPARE_NODES) this.spare.push(node);
  }

  private insertLevel(level: Level): void {
    const chunks = this.chunks;
    const price = level.price;
    const lastChunk = chunks[chunks.length - 1];
    if (lastChunk === undefined) {
      chunks.push([level]);
      return;
    }
    // The first chunk holding a better price (else the last chunk, for a new best).
    let c = chunks.length - 1;
    if (!this.isBetter(price, lastChunk[lastChunk.length - 1]!.price)) c = this.chunkOf(price);
    const chunk = chunks[c]!;
    // Within it, before the first better price.
    let lo = 0;
    let hi = chunk.length;
    if (hi > 0 && this.isBetter(price, chunk[hi - 1]!.price)) lo = hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.isBetter(chunk[mid]!.price, price)) hi = mid;
      else lo = mid + 1;
    }
    if (lo === chunk.length) chunk.push(level);
    else chunk.splice(lo, 0, level);
    if (chunk.length > CHUNK) chunks.splice(c + 1, 0, chunk.splice(CHUNK >>> 1));
  }

  private dropLevel(level: Level): void {
    this.byPrice.delete(keyOf(level.price));
    const chunks = this.chunks;
    const c = level === this.best() ? chunks.length - 1 : this.chunkOf(level.price);
    const chunk = chunks[c]!;
    if (chunk[chunk.length - 1] === level) {
      chunk.pop();
    } else {
      let lo = 0;
      let hi = chunk.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.isBetter(level.price, chunk[mid]!.price)) lo = mid + 1;
        else hi = mid;
      }
      chunk.splice(lo, 1);
    }
    if (chunk.length === 0) chunks.splice(c, 1);
  }

  /** The first chunk whose best level is at least as good as `price`, or the last chunk. */
  private chunkOf(price: bigint): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid]!;
      if (this.isBetter(price, chunk[chunk.length - 1]!.price)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
