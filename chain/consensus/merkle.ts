/**
 * RFC-6962 merkle root, as CometBFT's `merkle.HashFromByteSlices`: leaves are
 * sha256(0x00 || item), inner nodes sha256(0x01 || left || right), the split point is the
 * largest power of two below n, and the root of nothing is sha256("").
 */
import { sha256 } from "../crypto/hash.js";

const LEAF_PREFIX = Uint8Array.of(0);
const INNER_PREFIX = Uint8Array.of(1);

export function leafHash(item: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, item);
}

export function innerHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(INNER_PREFIX, left, right);
}

/** Largest power of two strictly less than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function rootOf(items: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 1) return leafHash(items[start]!);
  const k = splitPoint(n);
  return innerHash(rootOf(items, start, start + k), rootOf(items, start + k, end));
}

export function merkleRoot(items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return sha256();
  return rootOf(items, 0, items.length);
}

/**
 * The inner hashes from leaf `index` up to the root, bottom first (CometBFT's
 * `Proof.Aunts`). With the tree size fixed, a proof binds exactly one item to the index.
 */
export function merkleAunts(items: readonly Uint8Array[], index: number): Uint8Array[] {
  const aunts: Uint8Array[] = [];
  let start = 0;
  let end = items.length;
  const path: Uint8Array[] = [];
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      path.push(rootOf(items, start + k, end));
      end = start + k;
    } else {
      path.push(rootOf(items, start, start + k));
      start += k;
    }
  }
  for (let i = path.length - 1; i >= 0; i--) aunts.push(path[i]!);
  return aunts;
}

/** The root that `aunts` lead to from `leaf` at `index` of `total` (CometBFT's computeHashFromAunts); undefined if the shape does not fit. */
export function rootFromAunts(
  index: number,
  total: number,
  leaf: Uint8Array,
  aunts: readonly Uint8Array[],
): Uint8Array | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(total) || index < 0 || index >= total) return undefined;
  if (total === 1) return aunts.length === 0 ? leaf : undefined;
  if (aunts.length === 0) return undefined;
  const k = splitPoint(total);
  const last = aunts[aunts.length - 1]!;
  const rest = aunts.slice(0, -1);
  if (index < k) {
    const left = rootFromAunts(index, k, leaf, rest);
    return left === undefined ? undefined : innerHash(left, last);
  }
  const right = rootFromAunts(index - k, total - k, leaf, rest);
  return right === undefined ? undefined : innerHash(last, right);
}
