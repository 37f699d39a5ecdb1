/**
 * One read made twice: through the decoded-value cache (chain/runtime/valueCache.ts), which
 * must answer it, and with the cache off, through the store. Tests compare the two.
 */
import { setValueCacheMode, valueCacheReads } from "../../chain/runtime/valueCache.js";

export function readBothWays<T>(read: () => T): { cached: T; plain: T } {
  const before = valueCacheReads();
  const cached = read();
  if (valueCacheReads() === before) throw new TypeError("the cache did not answer");
  const previous = setValueCacheMode("off");
  try {
    return { cached, plain: read() };
  } finally {
    setValueCacheMode(previous);
  }
}
