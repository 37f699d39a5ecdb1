/**
 * The in-memory ordered KV store: a hash map for point reads plus a sorted key index for
 * ordered iteration. It also holds the latest committed state (about a million keys), so
 * `get`/`set` stay O(1) apart from the index insert of a new key.
 */

import type { KVStore } from "./types.js";
import { SortedKeys, keyString } from "./sortedKeys.js";

interface Entry {
  readonly key: Uint8Array;
  value: Uint8Array;
}

/** Values are stored by reference: callers must not mutate a value after `set` or after reading it. */
export class MemoryKV implements KVStore {
  private readonly entries = new Map<string, Entry>();
  private readonly index = new SortedKeys();

  get size(): number {
    return this.entries.size;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.entries.get(keyString(key))?.value;
  }

  has(key: Uint8Array): boolean {
    return this.entries.has(keyString(key));
  }

  set(key: Uint8Array, value: Uint8Array): void {
    const s = keyString(key);
    const entry = this.entries.get(s);
    if (entry !== undefined) {
      entry.value = value;
      return;
    }
    this.entries.set(s, { key: Uint8Array.from(key), value });
    this.index.insert(s);
  }

  delete(key: Uint8Array): void {
    const s = keyString(key);
    if (this.entries.delete(s)) this.index.remove(s);
  }

  *iterator(start?: Uint8Array, end?: Uint8Array, reverse = false): IterableIterator<[Uint8Array, Uint8Array]> {
    const keys = this.index.range(start === undefined ? undefined : keyString(start), end === undefined ? undefined : keyString(end), reverse);
    for (const s of keys) {
      const entry = this.entries.get(s);
      if (entry !== undefined) yield [entry.key, entry.value];
    }
  }
}

export function createMemoryKV(): MemoryKV {
  return new MemoryKV();
}
