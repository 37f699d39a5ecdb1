/**
 * Bounded insertion-ordered caches (a Map or Set whose first entry is its oldest).
 *
 * Evicting one entry per insert through `keys().next()` looks O(1) and is not: V8 leaves a
 * deleted entry's slot in place until the table is next rebuilt, and every new iterator
 * walks from the start of the table over all of them. A 100,000-entry cache evicting its
 * oldest on every insert slowed from ~150 to ~10 operations per millisecond as the holes
 * piled up, and in a saturated node's profile the mempool's seen set and the held
 * receipts grew from 3% to 19% of the main thread within minutes. So a full cache is cut
 * back by 1/64 of its capacity in one pass: one walk over the holes per 1/64 of capacity
 * inserted. Caches under 64 entries are cut back to exactly their capacity.
 */

/** Once `m` holds more than `capacity` entries, drops its oldest down to capacity − capacity/64 (`drop` deletes one, by default from `m`). */
export function evictOldest<K>(m: Map<K, unknown> | Set<K>, capacity: number, drop?: (key: K) => void): void {
  if (m.size <= capacity) return;
  let n = m.size - capacity + (capacity >> 6);
  for (const key of m.keys()) {
    if (n-- <= 0) break;
    if (drop === undefined) m.delete(key);
    else drop(key);
  }
}
