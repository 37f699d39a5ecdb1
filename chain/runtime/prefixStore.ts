/** A module's slice of the single state tree: every key is stored under `prefix`. */
import type { KVStore } from "../store/types.js";
import { concatBytes, prefixEnd } from "../types/bytes.js";

export function prefixStore(parent: KVStore, prefix: Uint8Array): KVStore {
  const full = (key: Uint8Array) => concatBytes(prefix, key);
  return {
    get: (key) => parent.get(full(key)),
    has: (key) => parent.has(full(key)),
    set: (key, value) => parent.set(full(key), value),
    delete: (key) => parent.delete(full(key)),
    *iterator(start, end, reverse) {
      const lo = start === undefined ? prefix : full(start);
      const hi = end === undefined ? prefixEnd(prefix) : full(end);
      for (const [key, value] of parent.iterator(lo, hi, reverse)) {
        yield [key.subarray(prefix.length), value];
      }
    },
  };
}

/** The prefix of a module's store: its name and a slash, so that no module's prefix is another's. */
export function moduleStorePrefix(storeKey: string): Uint8Array {
  return new TextEncoder().encode(`${storeKey}/`);
}
