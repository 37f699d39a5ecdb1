/**
 * Counts what the state machine reads: every `get` and every entry an iterator yields from
 * the working state, under the given module-relative key prefixes. Used to show that
 * end-block work touches only what changed, not every account or order in state. The
 * decoded-value cache (chain/runtime/valueCache.ts) is off meanwhile: what it answers from
 * memory is still a read of state, which it would hide from the count.
 */
import { moduleStorePrefix } from "../../../chain/runtime/prefixStore.js";
import type { KVStore } from "../../../chain/store/types.js";
import { setValueCacheMode } from "../../../chain/runtime/valueCache.js";
import type { TradingFixture } from "./fixture.js";

function startsWith(key: Uint8Array, prefix: Uint8Array): boolean {
  if (key.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

/** Runs `fn` and returns how many reads hit keys under `storeKey`/`prefix` for any of the prefixes. */
export async function countReads<T>(
  f: TradingFixture,
  storeKey: string,
  prefixes: readonly Uint8Array[],
  fn: () => Promise<T>,
): Promise<{ result: T; reads: number }> {
  const module = moduleStorePrefix(storeKey);
  const full = prefixes.map((p) => {
    const out = new Uint8Array(module.length + p.length);
    out.set(module, 0);
    out.set(p, module.length);
    return out;
  });
  const matches = (key: Uint8Array) => full.some((p) => startsWith(key, p));
  const working = f.state.working as KVStore;
  const get = working.get.bind(working);
  const iterator = working.iterator.bind(working);
  let reads = 0;
  working.get = (key) => {
    if (matches(key)) reads++;
    return get(key);
  };
  working.iterator = function* (start, end, reverse) {
    for (const entry of iterator(start, end, reverse)) {
      if (matches(entry[0])) reads++;
      yield entry;
    }
  };
  // The branches above read through the latin1 fast paths (chain/store/branch.ts) when the
  // store has them: count those too, or a read would go unseen.
  const fast = working as KVStore & {
    getLatin1?: (s: string) => Uint8Array | undefined;
    latin1Entries?: (a: string | undefined, b: string | undefined, r: boolean) => Iterator<{ key: Uint8Array }>;
  };
  const getLatin1 = fast.getLatin1?.bind(fast);
  const latin1Entries = fast.latin1Entries?.bind(fast);
  if (getLatin1 !== undefined)
    fast.getLatin1 = (str) => {
      if (matches(Buffer.from(str, "latin1"))) reads++;
      return getLatin1(str);
    };
  if (latin1Entries !== undefined)
    fast.latin1Entries = function* (a, b, r) {
      const it = latin1Entries(a, b, r);
      for (let next = it.next(); next.done !== true; next = it.next()) {
        if (matches(next.value.key)) reads++;
        yield next.value;
      }
    };
  const cacheMode = setValueCacheMode("off");
  try {
    return { result: await fn(), reads };
  } finally {
    setValueCacheMode(cacheMode);
    delete (working as Partial<KVStore>).get;
    delete (working as Partial<KVStore>).iterator;
    delete (fast as { getLatin1?: unknown }).getLatin1;
    delete (fast as { latin1Entries?: unknown }).latin1Entries;
  }
}
