/**
 * One read made twice: through a cache of state that must answer it (by default the
 * decoded-value cache, chain/runtime/valueCache.ts), and with the cache off, through the
 * store. Tests compare the two.
 */
import { setValueCacheMode, valueCacheReads } from "../../chain/runtime/valueCache.js";

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
