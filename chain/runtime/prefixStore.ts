/** A module's slice of the single state tree: every key is stored under `prefix`. */
import type { KVStore } from "../store/types.js";
import { prefixEnd } from "../types/bytes.js";

export function prefixStore(parent: KVStore, prefix: Uint8Array): KVStore {
  const full = (key: Uint8Array) => {
    const out = new Uint8Array(prefix.length + key.length);
    out.set(prefix, 0);
    out.set(key, prefix.length);
    return out;
  };
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

/** A module's key prefix in latin1 form (how the store's branches and caches name keys). */
export function moduleStorePrefixS(storeKey: string): string {
  return `${storeKey}/`;
}

const modulePrefixes = new Map<string, Uint8Array>();

/**
 * The prefix of a module's store: its name and a slash, so that no module's prefix is
 * another's. Memoised (store keys are a handful of constants); callers must not modify it.
 */
export function moduleStorePrefix(storeKey: string): Uint8Array {
  let prefix = modulePrefixes.get(storeKey);
  if (prefix === undefined) {
    prefix = new TextEncoder().encode(moduleStorePrefixS(storeKey));
    // Raw store queries name store keys too: keep the memo from growing with what users send.
    if (modulePrefixes.size < 64) modulePrefixes.set(storeKey, prefix);
  }
  return prefix;
}
