/**
 * Where the state store lives in the shared Database. All its keys start with a byte in
 * 0x01..0x06 (0x10..0x1f is the block store's, 0x20..0x2f the tx indexes').
 *
 *   0x01 | version u64 | depth u8 | nibble path (packed, ceil(depth/2) bytes)  → internal node, leaf children inline (record.ts)
 *   0x04 | staleSince u64                                                      → db keys unused since then (pruning)
 *   0x05 | 'v' / 'e'                                                           → latest / earliest version u64
 *   0x06 | version u64                                                         → root of that version (record.ts)
 *
 * 0x02 and 0x03 (a versioned value table and a latest-value table) were used by an earlier
 * layout: values now live inline in their leaf's parent record, so a commit writes one
 * record per changed internal node and nothing per key.
 */

export const PREFIX_NODE = 0x01;
export const PREFIX_STALE = 0x04;
export const PREFIX_META = 0x05;
export const PREFIX_ROOT = 0x06;

export const META_LATEST = Uint8Array.of(PREFIX_META, 0x76);
export const META_EARLIEST = Uint8Array.of(PREFIX_META, 0x65);

/** Node key from a version, a depth and any key hash (latin1) whose first `depth` nibbles are the path. */
export function nodeKey(version: number, depth: number, keyHash: string): Buffer {
  const out = Buffer.allocUnsafe(nodeKeySize(depth));
  writeNodeKey(out, 0, version, depth, keyHash);
  return out;
}

export function nodeKeySize(depth: number): number {
  return 10 + ((depth + 1) >> 1);
}

/** Writes `nodeKey(version, depth, keyHash)` into `out` at `at`. */
export function writeNodeKey(out: Uint8Array, at: number, version: number, depth: number, keyHash: string): void {
  const n = (depth + 1) >> 1;
  out[at] = PREFIX_NODE;
  writeVersion(out, at + 1, version);
  out[at + 9] = depth;
  for (let i = 0; i < n; i++) out[at + 10 + i] = keyHash.charCodeAt(i);
  // An odd depth keeps only the high nibble of the last byte.
  if (depth & 1) out[at + 10 + n - 1]! &= 0xf0;
}

export function staleKey(staleSince: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = PREFIX_STALE;
  writeVersion(out, 1, staleSince);
  return out;
}

export function rootKey(version: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = PREFIX_ROOT;
  writeVersion(out, 1, version);
  return out;
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
