/**
 * Decoded txs by hash, so that a tx admitted by CheckTx is not decoded and validated again
 * when its block runs. Only txs that decoded and passed the stateless checks are kept; both
 * depend on nothing but the bytes (and the fixed routes), so a hit gives the same outcome.
 * Entries are dropped once the tx ran in a block; the oldest go first when full.
 */
import type { DecodedTx } from "./txDecode.js";
import { evictOldest } from "../types/evictOldest.js";
import { latin1 } from "../types/bytes.js";

export interface DecodedTxCache {
  get(hash: Uint8Array): DecodedTx | undefined;
  add(tx: DecodedTx): void;
  remove(hash: Uint8Array): void;
  readonly size: number;
}

function keyOf(hash: Uint8Array): string {
  return latin1(hash);
}

export function createDecodedTxCache(maxEntries = 20_000): DecodedTxCache {
  const entries = new Map<string, DecodedTx>();
  return {
    get: (hash) => entries.get(keyOf(hash)),
    add(tx) {
      const key = keyOf(tx.hash);
      if (entries.has(key)) return;
      entries.set(key, tx);
      evictOldest(entries, maxEntries);
    },
    remove: (hash) => void entries.delete(keyOf(hash)),
    get size() {
      return entries.size;
    },
  };
}
