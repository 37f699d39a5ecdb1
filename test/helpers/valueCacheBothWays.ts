/**
 * One read made twice: through a cache of state that must answer it (by default the
 * decoded-value cache, chain/runtime/valueCache.ts), and with the cache off, through the
 * store. Tests compare the two.
 */
import { createContext } from "../../chain/runtime/context.js";
import { createGasMeter } from "../../chain/runtime/gas.js";
import type { Context } from "../../chain/runtime/types.js";
import { setValueCacheMode, valueCacheReads } from "../../chain/runtime/valueCache.js";
import type { KVStore } from "../../chain/store/types.js";

/** A block's context (finalize mode, unlimited gas) on `store`: the block's state or a tx's branch of it. */
export function blockContextOn(store: KVStore, height = 1n): Context {
  return createContext({
    block: { chainId: "t", height, time: { seconds: height, nanos: 0 } },
    mode: "finalize",
    store,
    gasMeter: createGasMeter(undefined),
  });
}

/** A cache that counts the reads it answers and can be switched off. */
export interface SwitchableCache {
  reads(): number;
  /** Returns the mode it replaced. */
  setMode(next: "on" | "off"): "on" | "off";
}

const VALUE_CACHE: SwitchableCache = { reads: valueCacheReads, setMode: setValueCacheMode };

export function readBothWays<T>(read: () => T, cache: SwitchableCache = VALUE_CACHE): { cached: T; plain: T } {
  const before = cache.reads();
  const cached = read();
  if (cache.reads() === before) throw new TypeError("the cache did not answer");
  const previous = cache.setMode("off");
  try {
    return { cached, plain: read() };
  } finally {
    cache.setMode(previous);
  }
}
