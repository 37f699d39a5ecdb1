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
