/**
 * The cache/branch layer (Cosmos' cache store): reads fall through to the parent, writes
 * and deletes are buffered here, iteration merges both in key order, `write()` flushes
 * into the parent and dropping the branch discards. Branches nest (a tx branch inside a
 * block branch) because a branch is itself a KVStore.
 */

import type { BranchStore, KVStore } from "./types.js";
import {
  SortedKeys,
  isLatin1Iterable,
  keyString,
  stringKey,
  type Latin1Entry,
  type Latin1Iterable,
} from "./sortedKeys.js";
import { MemoryKV } from "./memoryKv.js";

export interface Pending {
  readonly key: Uint8Array;
  /** undefined marks a delete. */
  readonly value: Uint8Array | undefined;
}

/**
 * Follows what one branch shows, so that an in-memory cache of that state (a module's order
 * book) stays exact without reading it back: every change, and whether the changes were
 * dropped or now live in the parent.
 */
export interface BranchObserver {
  /** The key (latin1 form) was set to `value`, or deleted when it is undefined. */
  changed(s: string, value: Uint8Array | undefined): void;
  /** The changes were dropped: the branch shows its parent's state again. */
  discarded(): void;
  /** The changes now live in the parent (write, or the state store's commit): what the branch shows is unchanged. */
  applied(): void;
}

/**
 * Every key and key range read or changed through one branch since `trackAccess`: what the
 * txs executed on it depended on. Keys and bounds are in latin1 form; an undefined bound is open.
 */
export class AccessLog {
  readonly keys = new Set<string>();
  /** [start, end) pairs, flat. */
  private readonly ranges: (string | undefined)[] = [];

  addRange(startS: string | undefined, endS: string | undefined): void {
    const n = this.ranges.length;
    // A scan repeated by one tx after another (the book's side) is kept once.
    if (n > 0 && this.ranges[n - 2] === startS && this.ranges[n - 1] === endS) return;
    this.ranges.push(startS, endS);
  }

  /** Whether any key range was scanned (the keys alone then do not say what was read). */
  get scanned(): boolean {
    return this.ranges.length > 0;
  }

  /** Whether the key was read or changed, or lies in a range that was scanned. */
  touches(s: string): boolean {
    if (this.keys.has(s)) return true;
    for (let i = 0; i < this.ranges.length; i += 2) {
      const start = this.ranges[i];
      const end = this.ranges[i + 1];
      if ((start === undefined || s >= start) && (end === undefined || s < end)) return true;
    }
    return false;
  }
}

export class Branch implements BranchStore, Latin1Iterable {
  private readonly pending = new Map<string, Pending>();
  private readonly index = new SortedKeys();
  private observers: BranchObserver[] | undefined;
  private log: AccessLog | undefined;
  /** Bumped on every write or delete, so that callers can cache results derived from the changes. */
  generation = 0;

  constructor(readonly parent: KVStore) {}

  get dirtySize(): number {
    return this.pending.size;
  }

  /**
   * From now on, records every key and range read through this branch (by the branches
   * above it, or by a cache walking the layers) and every key written into it; into `into`
   * when given (a block moved onto another branch keeps what its txs read on the old one).
   */
  trackAccess(into?: AccessLog): AccessLog {
    return (this.log ??= into ?? new AccessLog());
  }

  get accessLog(): AccessLog | undefined {
    return this.log;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.getLatin1(keyString(key), key);
  }

  /**
   * `get` with the key's latin1 form already made: a read falls through four layers (tx,
   * block, working, committed) and converting the key once instead of at each is a
   * measurable share of an order's cost. `key`, the same key as bytes, is made from `s` when
   * absent and a store below needs it (one that is neither a Branch nor a MemoryKV).
   */
  getLatin1(s: string, key?: Uint8Array): Uint8Array | undefined {
    this.log?.keys.add(s);
    const p = this.pending.get(s);
    if (p !== undefined) return p.value;
    const parent = this.parent;
    if (parent instanceof Branch) return parent.getLatin1(s, key);
    if (parent instanceof MemoryKV) return parent.getLatin1(s);
    return parent.get(key ?? stringKey(s));
  }

  has(key: Uint8Array): boolean {
    return this.hasLatin1(keyString(key), key);
  }

  hasLatin1(s: string, key?: Uint8Array): boolean {
    this.log?.keys.add(s);
    const p = this.pending.get(s);
    if (p !== undefined) return p.value !== undefined;
    const parent = this.parent;
    if (parent instanceof Branch) return parent.hasLatin1(s, key);
    if (parent instanceof MemoryKV) return parent.rawGet(s) !== undefined;
    return parent.has(key ?? stringKey(s));
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.record(key, value);
  }

  delete(key: Uint8Array): void {
    this.record(key, undefined);
  }

  /**
   * A set (or a delete, with value undefined) of the key whose latin1 form is `s`, the branch
   * keeping `key` itself rather than a copy: the caller made it for this write and hands it over.
   */
  setOwned(s: string, key: Uint8Array, value: Uint8Array | undefined): void {
    this.recordPending(s, { key, value });
  }

  addObserver(o: BranchObserver): void {
    (this.observers ??= []).push(o);
  }

  hasObserver(o: BranchObserver): boolean {
    return this.observers?.includes(o) === true;
  }

  /** This branch's own change of a key (latin1 form), if it has one: a read that skips the layers below. */
  pendingEntry(s: string): Pending | undefined {
    this.log?.keys.add(s);
    return this.pending.get(s);
  }

  /** The keys this branch itself changed in [startS, endS), ascending (deletes included). */
  pendingKeys(startS: string, endS: string): Generator<string> {
    this.log?.addRange(startS, endS);
    return this.index.range(startS, endS, false);
  }

  /** Whether this branch itself changed any key in [startS, endS). */
  hasPendingIn(startS: string, endS: string): boolean {
    this.log?.addRange(startS, endS);
    const first = this.index.ceiling(startS, false);
    return first !== undefined && first < endS;
  }

  /** The buffered changes in key order; a change with value undefined is a delete. */
  *changes(): IterableIterator<[Uint8Array, Uint8Array | undefined]> {
    for (const s of this.index.range(undefined, undefined, false)) {
      const p = this.pending.get(s);
      if (p !== undefined) yield [p.key, p.value];
    }
  }

  /** The buffered changes in insertion order, with each key's latin1 form (the state store's fast path). */
  *pendingLatin1(): IterableIterator<[string, Uint8Array, Uint8Array | undefined]> {
    for (const [s, p] of this.pending) yield [s, p.key, p.value];
  }

  write(): void {
    const parent = this.parent;
    if (parent instanceof MemoryKV) {
      // Order is unobservable in a MemoryKV, and the key strings are already at hand.
      for (const [s, p] of this.pending) {
        if (p.value === undefined) parent.rawDelete(s);
        else parent.rawSet(s, keyString(p.value));
      }
    } else if (parent instanceof Branch) {
      // A tx's branch into its block's: the key strings and the private key copies are
      // handed over as they are (a Pending is never changed after it is made).
      for (const s of this.index.range(undefined, undefined, false)) {
        const p = this.pending.get(s);
        if (p !== undefined) parent.recordPending(s, p);
      }
    } else {
      for (const [key, value] of this.changes()) {
        if (value === undefined) parent.delete(key);
        else parent.set(key, value);
      }
    }
    this.markApplied();
  }

  /** Drops all buffered changes. */
  clear(): void {
    this.drop();
    if (this.observers !== undefined) for (const o of this.observers) o.discarded();
  }

  /** Forgets the buffered changes because the parent now holds them (the state store's commit applies them itself). */
  markApplied(): void {
    this.drop();
    if (this.observers !== undefined) for (const o of this.observers) o.applied();
  }

  private drop(): void {
    this.pending.clear();
    this.index.clear();
    this.generation++;
  }

  *iterator(start?: Uint8Array, end?: Uint8Array, reverse = false): IterableIterator<[Uint8Array, Uint8Array]> {
    const it = this.latin1Entries(
      start === undefined ? undefined : keyString(start),
      end === undefined ? undefined : keyString(end),
      reverse,
    );
    for (let r = it.next(); r.done !== true; r = it.next()) yield [r.value.key, r.value.value];
  }

  /** The merged scan, by latin1 bounds, each entry with its key's latin1 form (for a Branch above). */
  *latin1Entries(startS: string | undefined, endS: string | undefined, reverse: boolean): Iterator<Latin1Entry> {
    this.log?.addRange(startS, endS);
    const parentIt = parentEntries(this.parent, startS, endS, reverse);
    let parentNext = nextOf(parentIt);
    let last: string | undefined;
    for (;;) {
      // The own side is sought afresh each step so that writes made during iteration are seen.
      let own: string | undefined;
      if (reverse) {
        own = this.index.floor(last ?? endS, false);
        if (own !== undefined && startS !== undefined && own < startS) own = undefined;
      } else {
        own = this.index.ceiling(last ?? startS, last !== undefined);
        if (own !== undefined && endS !== undefined && own >= endS) own = undefined;
      }
      while (
        parentNext !== undefined &&
        last !== undefined &&
        (reverse ? parentNext.s >= last : parentNext.s <= last)
      ) {
        parentNext = nextOf(parentIt);
      }
      if (own === undefined && parentNext === undefined) return;
      const takeOwn =
        own !== undefined && (parentNext === undefined || (reverse ? own >= parentNext.s : own <= parentNext.s));
      if (takeOwn) {
        last = own!;
        const p = this.pending.get(last);
        if (p?.value !== undefined) yield { s: last, key: p.key, value: p.value };
      } else {
        const entry = parentNext!;
        last = entry.s;
        parentNext = nextOf(parentIt);
        yield entry;
      }
    }
  }

  private record(key: Uint8Array, value: Uint8Array | undefined): void {
    this.recordPending(keyString(key), { key: new Uint8Array(key), value });
  }

  /** Records a change whose key string is `s` and whose key is already a private copy. */
  private recordPending(s: string, p: Pending): void {
    this.log?.keys.add(s);
    // One lookup, not has() then set(): a block's branch holds thousands of keys, and every
    // key each of its txs wrote is recorded here once more when the tx's branch is written.
    const size = this.pending.size;
    this.pending.set(s, p);
    if (this.pending.size !== size) this.index.insert(s);
    this.generation++;
    if (this.observers !== undefined) for (const o of this.observers) o.changed(s, p.value);
  }
}

function nextOf(it: Iterator<Latin1Entry>): Latin1Entry | undefined {
  const r = it.next();
  return r.done === true ? undefined : r.value;
}

/** The parent's scan with latin1 keys: passed through from a MemoryKV or Branch, converted here otherwise. */
function parentEntries(
  parent: KVStore,
  startS: string | undefined,
  endS: string | undefined,
  reverse: boolean,
): Iterator<Latin1Entry> {
  if (isLatin1Iterable(parent)) return parent.latin1Entries(startS, endS, reverse);
  return convertedEntries(parent, startS, endS, reverse);
}

function* convertedEntries(
  parent: KVStore,
  startS: string | undefined,
  endS: string | undefined,
  reverse: boolean,
): Iterator<Latin1Entry> {
  const start = startS === undefined ? undefined : stringKey(startS);
  const end = endS === undefined ? undefined : stringKey(endS);
  for (const [key, value] of parent.iterator(start, end, reverse)) yield { s: keyString(key), key, value };
}

export function branchStore(parent: KVStore): Branch {
  return new Branch(parent);
}
