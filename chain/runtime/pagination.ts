/** Cosmos PageRequest/PageResponse over an ordered iteration (key- or offset-based). */
import type { PageRequest, PageResponse } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import type { KVStore } from "../store/types.js";
import { compareBytes, concatBytes, prefixEnd } from "../types/bytes.js";
import { sdkErrors } from "../types/errors.js";

export const DEFAULT_PAGE_LIMIT = 100n;
export const MAX_PAGE_LIMIT = 1000n;

/**
 * Reads one page of entries under `prefix` of `store`. `next_key` is the key (relative to
 * `prefix`) of the first entry not returned, as Cosmos' query.Paginate.
 */
export function paginate<T>(
  store: KVStore,
  prefix: Uint8Array,
  page: PageRequest | undefined,
  decode: (key: Uint8Array, value: Uint8Array) => T,
): { items: T[]; pagination: PageResponse } {
  const key = page?.key ?? new Uint8Array(0);
  const offset = page?.offset ?? 0n;
  const reverse = page?.reverse ?? false;
  let limit = page?.limit ?? 0n;
  if (limit === 0n) limit = DEFAULT_PAGE_LIMIT;
  if (limit > MAX_PAGE_LIMIT) limit = MAX_PAGE_LIMIT;
  if (key.length > 0 && offset > 0n) {
    throw sdkErrors.invalidRequest("pagination: either offset or key may be set, not both");
  }
  const countTotal = page?.countTotal === true && key.length === 0;
  let lo = prefix;
  let hi = prefixEnd(prefix);
  if (key.length > 0) {
    if (reverse) hi = concatBytes(prefix, key, Uint8Array.of(0));
    else lo = concatBytes(prefix, key);
  }
  const items: T[] = [];
  let nextKey = new Uint8Array(0);
  let index = 0n;
  for (const [k, v] of store.iterator(lo, hi, reverse)) {
    const rel = k.subarray(prefix.length);
    if (key.length > 0 && reverse && compareBytes(rel, key) > 0) continue;
    if (index >= offset && BigInt(items.length) < limit) {
      items.push(decode(rel, v));
    } else if (index >= offset && nextKey.length === 0) {
      nextKey = Uint8Array.from(rel);
      if (!countTotal) break;
    }
    index++;
  }
  return { items, pagination: { nextKey, total: countTotal ? index : 0n } };
}
