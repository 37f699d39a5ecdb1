/**
 * Counts what the state machine reads: every `get` and every entry an iterator yields from
 * the working state, under the given module-relative key prefixes. Used to show that
 * end-block work touches only what changed, not every account or order in state.
 */
import { moduleStorePrefix } from "../../../chain/runtime/prefixStore.js";
import type { KVStore } from "../../../chain/store/types.js";
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
  try {
    return { result: await fn(), reads };
  } finally {
    delete (working as Partial<KVStore>).get;
    delete (working as Partial<KVStore>).iterator;
  }
}
