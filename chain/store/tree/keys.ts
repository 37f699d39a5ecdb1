/**
 * Where the state store lives in the shared Database. All its keys start with a byte in
 * 0x01..0x06 (0x10..0x1f is the block store's, 0x20..0x2f the tx indexes').
 *
 *   0x01 | version u64 | depth u8 | nibble path (packed, ceil(depth/2) bytes)  → tree node
 *   0x02 | sha256(key) | version u64                                           → value written at that version
 *   0x03 | key                                                                 → valueVersion u64 || value (latest state)
 *   0x04 | staleSince u64                                                      → db keys unused since then (pruning)
 *   0x05 | 'v' / 'e'                                                           → latest / earliest version u64
 *   0x06 | version u64                                                         → root of that version (see rootRecord)
 */

import { concatBytes } from "../../types/bytes.js";

export const PREFIX_NODE = 0x01;
export const PREFIX_VALUE = 0x02;
export const PREFIX_LATEST = 0x03;
export const PREFIX_STALE = 0x04;
export const PREFIX_META = 0x05;
export const PREFIX_ROOT = 0x06;

export const META_LATEST = Uint8Array.of(PREFIX_META, 0x76);
export const META_EARLIEST = Uint8Array.of(PREFIX_META, 0x65);

/** Node key from a version, a depth and any key hash whose first `depth` nibbles are the path. */
export function nodeKey(version: number, depth: number, keyHash: string): Uint8Array {
  const n = (depth + 1) >> 1;
  const out = new Uint8Array(10 + n);
  out[0] = PREFIX_NODE;
  writeVersion(out, 1, version);
  out[9] = depth;
  for (let i = 0; i < n; i++) out[10 + i] = keyHash.charCodeAt(i);
  // An odd depth keeps only the high nibble of the last byte.
  if (depth & 1) out[10 + n - 1]! &= 0xf0;
  return out;
}

/** Key hashes are latin1 strings in memory (see node.ts). */
export function valueKey(keyHash: string, version: number): Uint8Array {
  const out = new Uint8Array(41);
  out[0] = PREFIX_VALUE;
  for (let i = 0; i < 32; i++) out[1 + i] = keyHash.charCodeAt(i);
  writeVersion(out, 33, version);
  return out;
}

export function latestKey(key: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(PREFIX_LATEST), key);
}

export function staleKey(staleSince: number): Uint8Array {
  return concatBytes(Uint8Array.of(PREFIX_STALE), versionBytes(staleSince));
}

export function rootKey(version: number): Uint8Array {
  return concatBytes(Uint8Array.of(PREFIX_ROOT), versionBytes(version));
}

/** Versions are u64 BE on disk; written without BigInt because this runs for every node of every commit. */
export function writeVersion(out: Uint8Array, offset: number, version: number): void {
  const hi = Math.floor(version / 0x1_0000_0000);
  const lo = version >>> 0;
  out[offset] = hi >>> 24;
  out[offset + 1] = (hi >>> 16) & 0xff;
  out[offset + 2] = (hi >>> 8) & 0xff;
  out[offset + 3] = hi & 0xff;
  out[offset + 4] = lo >>> 24;
  out[offset + 5] = (lo >>> 16) & 0xff;
  out[offset + 6] = (lo >>> 8) & 0xff;
  out[offset + 7] = lo & 0xff;
}

export function readVersion(b: Uint8Array, offset = 0): number {
  const hi = ((b[offset]! << 24) | (b[offset + 1]! << 16) | (b[offset + 2]! << 8) | b[offset + 3]!) >>> 0;
  const lo = ((b[offset + 4]! << 24) | (b[offset + 5]! << 16) | (b[offset + 6]! << 8) | b[offset + 7]!) >>> 0;
  return hi * 0x1_0000_0000 + lo;
}

export function versionBytes(version: number): Uint8Array {
  const out = new Uint8Array(8);
  writeVersion(out, 0, version);
  return out;
}

/**
 * A version's root: empty bytes for the empty tree, else isLeaf u8 || node version u64 || hash(32).
 * The root node itself sits at nodeKey(nodeVersion, 0, ·).
 */
export interface RootRecord {
  readonly version: number;
  /** latin1 string, as in memory */
  readonly hash: string;
  readonly isLeaf: boolean;
}

export function encodeRootRecord(root: RootRecord | null): Uint8Array {
  if (root === null) return new Uint8Array(0);
  const out = new Uint8Array(41);
  out[0] = root.isLeaf ? 1 : 0;
  writeVersion(out, 1, root.version);
  for (let i = 0; i < 32; i++) out[9 + i] = root.hash.charCodeAt(i);
  return out;
}

export function decodeRootRecord(b: Uint8Array): RootRecord | null | undefined {
  if (b.length === 0) return null;
  if (b.length !== 41) return undefined;
  return { isLeaf: b[0] === 1, version: readVersion(b, 1), hash: Buffer.from(b.buffer, b.byteOffset + 9, 32).toString("latin1") };
}
