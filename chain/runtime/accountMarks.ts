/**
 * A set of accounts kept in a module's store under one prefix: a key per account (its
 * address bytes, length-prefixed) with an empty value. A mark is written once until the set
 * is cleared, so marking an account on every write of its state costs the state tree one
 * entry per account between two clears, not one per write. Listed in key order: what every
 * node reads in the same order.
 */
import { addressBytesView, addressToBech32 } from "../crypto/address.js";
import { concatBytes, prefixEnd } from "../types/bytes.js";
import { lengthPrefixed, type StoreSource } from "./collection.js";

const EMPTY = new Uint8Array(0);

export interface AccountMarks {
  mark(src: StoreSource, account: string): void;
  /** The marked accounts (bech32), in key order. */
  list(src: StoreSource): string[];
  clear(src: StoreSource): void;
}

export function accountMarks(storeKey: string, prefix: Uint8Array): AccountMarks {
  const end = prefixEnd(prefix)!;
  const keys = (src: StoreSource) => [...src.kv(storeKey).iterator(prefix, end)].map(([k]) => k);
  return {
    mark(src, account) {
      const key = concatBytes(prefix, lengthPrefixed(addressBytesView(account)));
      const kv = src.kv(storeKey);
      if (!kv.has(key)) kv.set(key, EMPTY);
    },
    list: (src) =>
      keys(src).map((k) => addressToBech32(k.subarray(prefix.length + 1, prefix.length + 1 + k[prefix.length]!))),
    clear(src) {
      const kv = src.kv(storeKey);
      for (const k of keys(src)) kv.delete(k);
    },
  };
}
