/**
 * Per-asset price history for TWAPs. An entry (asset, height) → price is written only when
 * the price changes, so the price in effect at block h is the latest entry at or below h.
 */
import type { StoreSource } from "../../chain/runtime/collection.js";
import { concatBytes, u64be } from "../../chain/types/bytes.js";
import { divRoundHalfEven, type Dec } from "../../chain/types/fixed/index.js";
import { HISTORY_PREFIX, STORE_KEY } from "./keys.js";
import { assetKeyPart, history } from "./state.js";

interface Entry {
  height: bigint;
  price: Dec;
}

/** Entries of `asset` with height <= `upTo`, ascending (or descending with `reverse`). */
function* entriesUpTo(src: StoreSource, asset: string, upTo: bigint, reverse = false): IterableIterator<Entry> {
  const start = concatBytes(HISTORY_PREFIX, assetKeyPart(asset));
  const end = concatBytes(start, u64be(upTo + 1n));
  for (const [k, v] of src.kv(STORE_KEY).iterator(start, end, reverse)) {
    const [, height] = history.keyCodec.decode(k.subarray(HISTORY_PREFIX.length));
    yield { height, price: history.valueCodec.decode(v) };
  }
}

/** The price in effect at `height`, from history. */
export function historicalPrice(src: StoreSource, asset: string, height: bigint): Dec | undefined {
  for (const e of entriesUpTo(src, asset, height, true)) return e.price;
  return undefined;
}

/** Records `price` as set at `height` unless it equals the price already in effect. */
export function recordHistory(src: StoreSource, asset: string, height: bigint, price: Dec): void {
  if (historicalPrice(src, asset, height) !== price) history.set(src, [asset, height], price);
}

/** Deletes entries at or below `cutoff` except the latest of them, which is still in effect after the cut. */
export function pruneHistory(src: StoreSource, asset: string, cutoff: bigint): void {
  if (cutoff < 0n) return;
  const old = [...entriesUpTo(src, asset, cutoff)];
  for (const e of old.slice(0, -1)) history.delete(src, [asset, e.height]);
}

/**
 * The average over blocks `from..to` (inclusive) of the price in effect at each block.
 * Blocks before the first entry are not counted; undefined when no block is covered.
 */
export function blockWeightedAverage(src: StoreSource, asset: string, from: bigint, to: bigint): Dec | undefined {
  let sum = 0n;
  let blocks = 0n;
  let segmentEnd = to;
  for (const e of entriesUpTo(src, asset, to, true)) {
    const segmentStart = e.height > from ? e.height : from;
    const n = segmentEnd - segmentStart + 1n;
    sum += e.price * n;
    blocks += n;
    if (segmentStart === from) break;
    segmentEnd = segmentStart - 1n;
  }
  return blocks === 0n ? undefined : divRoundHalfEven(sum, blocks);
}
