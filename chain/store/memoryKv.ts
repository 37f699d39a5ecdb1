/**
 * The in-memory ordered KV store: a hash map for point reads plus a sorted key index for
 * ordered iteration. It also holds the latest committed state (about a million keys), so
 * `get`/`set` stay O(1) apart from the index insert of a new key, and each entry costs
 * as few heap objects as possible (the key lives only as its latin1 string).
 */

import type { KVStore } from "./types.js";
import { SortedKeys, keyString, stringKey, type Latin1Entry, type Latin1Iterable } from "./sortedKeys.js";

/**
 * Keys and values are held as latin1 strings: a string is one heap object without
 * pointers, where a small Uint8Array is three, so a million entries cost the garbage
 * collector far less. `set` copies the value and `get` returns a fresh copy.
 */
export class MemoryKV implements KVStore, Latin1Iterable {
  private readonly values = new Map<string, string>();
  private readonly index = new SortedKeys();

  get size(): number {
    return this.values.size;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const v = this.values.get(keyString(key));
    return v === undefined ? undefined : stringKey(v);
  }

  has(key: Uint8Array): boolean {
    return this.values.has(keyString(key));
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.rawSet(keyString(key), keyString(value));
  }

  /** `get` by the key's latin1 form (a Branch above passes it down instead of converting again). */
  getLatin1(s: string): Uint8Array | undefined {
    const v = this.values.get(s);
    return v === undefined ? undefined : stringKey(v);
  }

  /** `get` with key and value in their latin1 forms (the state tree's fast path: no copies). */
  rawGet(s: string): string | undefined {
    return this.values.get(s);
  }

  /** `set` with key and value in their latin1 forms. */
  rawSet(s: string, value: string): void {
    const size = this.values.size;
    this.values.set(s, value);
    if (this.values.size !== size) this.index.insert(s);
  }

  /** `delete` by the key's latin1 form. */
  rawDelete(s: string): void {
    if (this.values.delete(s)) this.index.remove(s);
  }

  delete(key: Uint8Array): void {
    const s = keyString(key);
    if (this.values.delete(s)) this.index.remove(s);
  }

  *iterator(start?: Uint8Array, end?: Uint8Array, reverse = false): IterableIterator<[Uint8Array, Uint8Array]> {
    const keys = this.index.range(
      start === undefined ? undefined : keyString(start),
      end === undefined ? undefined : keyString(end),
      reverse,
    );
    for (const s of keys) {
      const value = this.values.get(s);
      if (value !== undefined) yield [stringKey(s), stringKey(value)];
    }
  }

  /** `iterator` by latin1 bounds, each entry with its key's latin1 form (what a Branch above needs). */
  *latin1Entries(startS: string | undefined, endS: string | undefined, reverse: boolean): Iterator<Latin1Entry> {
    for (const s of this.index.range(startS, endS, reverse)) {
      const value = this.values.get(s);
      if (value !== undefined) yield { s, key: stringKey(s), value: stringKey(value) };
    }
  }
}

export function createMemoryKV(): MemoryKV {
  return new MemoryKV();
}
