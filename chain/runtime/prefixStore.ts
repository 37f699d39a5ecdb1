/** A module's slice of the single state tree: every key is stored under `prefix`. */
import type { KVStore } from "../store/types.js";
import { prefixEnd } from "../types/bytes.js";

/** `key` under `prefix`, in a new array (a store keeps what it is given to write). */
export function prefixedKey(prefix: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + key.length);
  out.set(prefix, 0);
  out.set(key, prefix.length);
  return out;
}

/**
 * One object per module store, with its methods on the prototype: a tx makes a context for
 * its ante and one per message, each asks for several modules' stores, and a store made of
 * six closures was ~4% of what an order allocated.
 */
class PrefixStore implements KVStore {
  constructor(
    private readonly parent: KVStore,
    private readonly prefix: Uint8Array,
  ) {}

  private full(key: Uint8Array): Uint8Array {
    return prefixedKey(this.prefix, key);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.parent.get(this.full(key));
  }

  has(key: Uint8Array): boolean {
    return this.parent.has(this.full(key));
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.parent.set(this.full(key), value);
  }

  delete(key: Uint8Array): void {
    this.parent.delete(this.full(key));
  }

  *iterator(start?: Uint8Array, end?: Uint8Array, reverse?: boolean): IterableIterator<[Uint8Array, Uint8Array]> {
    const prefix = this.prefix;
    const lo = start === undefined ? prefix : this.full(start);
    const hi = end === undefined ? prefixEnd(prefix) : this.full(end);
    for (const [key, value] of this.parent.iterator(lo, hi, reverse)) {
      yield [key.subarray(prefix.length), value];
    }
  }
}

export function prefixStore(parent: KVStore, prefix: Uint8Array): KVStore {
  return new PrefixStore(parent, prefix);
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
