import type { OrderNode } from "./ladder.js";

const MIN_CAPACITY = 1024;

/**
 * Resting orders by id key (see keyOf). Keys that are numbers (every id a market will ever
 * assign) live in an open-addressing table with linear probing: one probe of a Float64Array
 * finds most orders, where a Map of a million entries costs several cache misses per lookup.
 * Bigint keys go to a Map.
 * Deletion shifts entries back (no tombstones), so lookups stay short however many orders
 * come and go.
 */
export class OrderIndex {
  private keys: Float64Array;
  private nodes: (OrderNode | undefined)[];
  private shift: number;
  private mask: number;
  private count = 0;
  private readonly others = new Map<bigint, OrderNode>();

  constructor() {
    this.keys = new Float64Array(MIN_CAPACITY).fill(NaN);
    this.nodes = new Array<OrderNode | undefined>(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
    this.shift = 32 - Math.log2(MIN_CAPACITY);
  }

  get size(): number {
    return this.count + this.others.size;
  }

  get(key: number | bigint): OrderNode | undefined {
    if (typeof key === "bigint") return this.others.get(key);
    const keys = this.keys;
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === key) return this.nodes[i];
      if (k !== k) return undefined;
    }
  }

  /** Adds a node under its key; false (and nothing changes) if the key is taken. */
  add(node: OrderNode): boolean {
    const key = node.key;
    if (typeof key === "bigint") {
      if (this.others.has(key)) return false;
      this.others.set(key, node);
      return true;
    }
    if (2 * (this.count + 1) > this.keys.length) this.resize(this.keys.length * 2);
    const keys = this.keys;
    let i = this.home(key);
    for (; ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === key) return false;
      if (k !== k) break;
    }
    keys[i] = key;
    this.nodes[i] = node;
    this.count++;
    return true;
  }

  delete(key: number | bigint): OrderNode | undefined {
    if (typeof key === "bigint") {
      const node = this.others.get(key);
      this.others.delete(key);
      return node;
    }
    const keys = this.keys;
    const nodes = this.nodes;
    const mask = this.mask;
    let i = this.home(key);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) break;
      if (k !== k) return undefined;
    }
    const node = nodes[i];
    // Backward shift: move later entries of the run into the hole unless their home lies after it.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const k = keys[j]!;
      if (k !== k) break;
      const h = this.home(k);
      const stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (!stays) {
        keys[i] = k;
        nodes[i] = nodes[j];
        i = j;
      }
    }
    keys[i] = NaN;
    nodes[i] = undefined;
    this.count--;
    if (this.keys.length > MIN_CAPACITY && 8 * this.count < this.keys.length) this.resize(this.keys.length / 2);
    return node;
  }

  /**
   * Runs of 8 consecutive ids share a cache line of keys, and runs are spread over the table
   * by Fibonacci hashing: recent orders (those most often cancelled or filled) stay close.
   */
  private home(key: number): number {
    const low = key >>> 0;
    const high = (key / 4294967296) >>> 0;
    const run = (low >>> 3) ^ Math.imul(high, 0x85ebca6b);
    return ((Math.imul(run, 0x9e3779b1) >>> this.shift) & ~7) | (low & 7);
  }

  private resize(capacity: number): void {
    const oldKeys = this.keys;
    const oldNodes = this.nodes;
    this.keys = new Float64Array(capacity).fill(NaN);
    this.nodes = new Array<OrderNode | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    const keys = this.keys;
    for (let j = 0; j < oldKeys.length; j++) {
      const key = oldKeys[j]!;
      if (key !== key) continue;
      let i = this.home(key);
      while (keys[i] === keys[i]) i = (i + 1) & this.mask;
      keys[i] = key;
      this.nodes[i] = oldNodes[j];
    }
  }
}
