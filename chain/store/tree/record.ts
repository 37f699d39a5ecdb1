/**
 * Disk encodings of the tree. An internal node's record carries its leaf children whole
 * (key, value, hashes), so a commit writes one record per changed internal node, past
 * versions read values from the records on the key's path, and opening the store reads
 * the latest tree's records and nothing else.
 *
 *   node record:  0x01 || bitmap u16 || leafBitmap u16 || per present child, nibble order:
 *                   internal child: version u64 || hash(32)
 *                   leaf child:     leaf entry
 *   leaf entry:   keyLen u16 || key || valueLen u32 || value
 *
 * A leaf entry holds no hashes: they follow from the key and value (sha256(key), the leaf
 * hash), and leaving them out makes the records of a commit about 40% smaller. Opening
 * recomputes them, which also verifies every loaded leaf against the root.
 *   root record:  empty (empty tree) | 0x01 || node version u64 || hash(32) | 0x00 || leaf entry
 *
 * Node records are written as the nodes are built (rebuild.ts's rebuildNode, into arena.ts).
 */

import {
  getLatin1,
  isNode,
  leafEntrySize,
  leafHash,
  nodeHash,
  nodeVersion,
  popcount16,
  putLatin1,
  putLeafEntry,
  sha256,
} from "./node.js";
import type { Hash, LeafRef, TreeNode } from "./node.js";
import { readVersion, writeVersion } from "./keys.js";

export type DecodedChild =
  | { readonly kind: "internal"; readonly version: number; readonly hash: Hash }
  | {
      readonly kind: "leaf";
      readonly hash: Hash;
      readonly keyHash: Hash;
      readonly key: Uint8Array;
      readonly value: Uint8Array;
    };

export interface DecodedNode {
  readonly kind: "internal";
  readonly bitmap: number;
  readonly children: (DecodedChild | undefined)[];
}

export type RootRecord =
  | { readonly kind: "internal"; readonly version: number; readonly hash: Hash }
  | (DecodedChild & { readonly kind: "leaf" });

export function encodeRootRecord(root: TreeNode | null): Uint8Array {
  if (root === null) return new Uint8Array(0);
  if (isNode(root)) {
    const out = Buffer.allocUnsafe(41);
    out[0] = 0x01;
    writeVersion(out, 1, nodeVersion(root));
    putLatin1(out, nodeHash(root), 9);
    return out;
  }
  const value = root.value;
  const out = Buffer.allocUnsafe(1 + leafEntrySize(root.key, value));
  out[0] = 0x00;
  putLeafEntry(out, 1, root.key, value);
  return out;
}

/** Reads a leaf entry at `o`; returns its key and value range, or undefined if it runs past `end`. */
export function leafEntryAt(b: Buffer, o: number, end: number): { keyEnd: number; valueEnd: number } | undefined {
  if (o + 2 > end) return undefined;
  const keyEnd = o + 2 + ((b[o]! << 8) | b[o + 1]!);
  if (keyEnd + 4 > end) return undefined;
  const valueEnd = keyEnd + 4 + b.readUInt32BE(keyEnd);
  return valueEnd > end ? undefined : { keyEnd, valueEnd };
}

function readLeafEntry(b: Buffer, o: number, end: number): [DecodedChild & { kind: "leaf" }, number] | undefined {
  const at = leafEntryAt(b, o, end);
  if (at === undefined) return undefined;
  const key = b.subarray(o + 2, at.keyEnd);
  const value = b.subarray(at.keyEnd + 4, at.valueEnd);
  const keyHash = sha256(key);
  return [{ kind: "leaf", hash: leafHash(keyHash, sha256(value)), keyHash, key, value }, at.valueEnd];
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes a node record; undefined for bytes that are not one. Leaf keys and values are views into `bytes`. */
export function decodeNode(bytes: Uint8Array): DecodedNode | undefined {
  const b = asBuffer(bytes);
  if (b[0] !== 0x01 || b.length < 5) return undefined;
  const bitmap = (b[1]! << 8) | b[2]!;
  const leafBitmap = (b[3]! << 8) | b[4]!;
  if ((leafBitmap & ~bitmap) !== 0 || popcount16(bitmap) < 1) return undefined;
  const children: (DecodedChild | undefined)[] = new Array<DecodedChild | undefined>(16).fill(undefined);
  let o = 5;
  for (let i = 0; i < 16; i++) {
    if (!(bitmap & (1 << i))) continue;
    if (leafBitmap & (1 << i)) {
      const r = readLeafEntry(b, o, b.length);
      if (r === undefined) return undefined;
      children[i] = r[0];
      o = r[1];
    } else {
      if (o + 40 > b.length) return undefined;
      children[i] = { kind: "internal", version: readVersion(b, o), hash: getLatin1(b, o + 8, o + 40) };
      o += 40;
    }
  }
  return o === b.length ? { kind: "internal", bitmap, children } : undefined;
}

/** Decodes a root record: null for the empty tree, undefined for bytes that are not one. */
export function decodeRootRecord(bytes: Uint8Array): RootRecord | null | undefined {
  if (bytes.length === 0) return null;
  const b = asBuffer(bytes);
  if (b[0] === 0x01 && b.length === 41)
    return { kind: "internal", version: readVersion(b, 1), hash: getLatin1(b, 9, 41) };
  if (b[0] !== 0x00) return undefined;
  const r = readLeafEntry(b, 1, b.length);
  return r !== undefined && r[1] === b.length ? r[0] : undefined;
}

/** A decoded leaf as an in-memory leaf (its key as latin1). */
export function leafRefOf(entry: DecodedChild & { kind: "leaf" }): LeafRef {
  return {
    key: getLatin1(asBuffer(entry.key), 0, entry.key.length),
    value: getLatin1(asBuffer(entry.value), 0, entry.value.length),
    keyHash: entry.keyHash,
    hash: entry.hash,
  };
}
