/**
 * Nodes of the state tree: a 16-ary sparse Merkle tree over sha256(key), in the style of
 * Diem's Jellyfish Merkle tree. A subtree holding one key is that key's leaf, placed as
 * high as possible; a subtree holding two or more keys is an internal node. The shape is
 * therefore a function of the key set alone, and so is the root.
 *
 *   leaf hash      = sha256(0x00 || keyHash || valueHash)
 *   internal hash  = sha256(0x01 || bitmap (u16 BE, bit i = child nibble i) || present child hashes, in nibble order)
 *   empty tree     = 32 zero bytes
 *
 * One hash per internal node (over the bitmap and the present children) instead of a
 * binary tree of 15 inner hashes keeps a commit at 1M keys cheap.
 *
 * In memory a hash is a 32-char latin1 string (one char per byte): the tree holds millions
 * of them, and V8 strings cost the garbage collector far less than millions of small
 * Buffers; string comparison is byte order and `===` is byte equality.
 */

import { hash } from "node:crypto";
import { readVersion, writeVersion } from "./keys.js";

/** A 32-byte hash as a latin1 string. */
export type Hash = string;

export const EMPTY_HASH: Hash = "\0".repeat(32);
export const EMPTY_ROOT: Uint8Array = new Uint8Array(32);

/** A node created by an uncommitted update has no version yet. */
export const PENDING = -1;

export class Leaf {
  constructor(
    readonly keyHash: Hash,
    readonly valueHash: Hash,
    readonly hash: Hash,
    /** Version at which this node was stored at its current position. */
    public version: number,
    /** Version at which the value was written (locates it in the versioned value table). */
    public valueVersion: number,
  ) {}
}

export class Internal {
  constructor(
    readonly children: (TreeNode | null)[],
    readonly hash: Hash,
    public version: number,
  ) {}
}

export type TreeNode = Leaf | Internal;

export function sha256(data: Uint8Array): Hash {
  return hash("sha256", data, "binary"); // "binary" is latin1
}

export function hashToBytes(h: Hash): Uint8Array {
  const b = Buffer.from(h, "latin1");
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function bytesToHash(b: Uint8Array): Hash {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}

/** Scratch space for hash preimages (hashing copies it, so reuse is safe). */
const scratch = Buffer.allocUnsafeSlow(3 + 32 * 16);

type Latin1Writer = (this: Buffer, s: string, offset: number, length: number) => number;
/** Buffer's native latin1 writer, skipping `write()`'s argument parsing: this runs for every child of every rebuilt node. */
const latin1Write: Latin1Writer =
  (Buffer.prototype as unknown as { latin1Write?: Latin1Writer }).latin1Write ??
  function (this: Buffer, s: string, offset: number, length: number): number {
    return this.write(s, offset, length, "latin1");
  };

/** Writes a 32-byte hash string into `buf` at `offset`. */
export function putHash(buf: Buffer, h: Hash, offset: number): void {
  latin1Write.call(buf, h, offset, 32);
}

export function leafHash(keyHash: Hash, valueHash: Hash): Hash {
  scratch[0] = 0x00;
  putHash(scratch, keyHash, 1);
  putHash(scratch, valueHash, 33);
  return sha256(scratch.subarray(0, 65));
}

/** Hash of an internal node from its bitmap and the hashes of its present children in nibble order. */
export function internalHash(bitmap: number, childHashes: readonly Hash[]): Hash {
  scratch[0] = 0x01;
  scratch[1] = bitmap >>> 8;
  scratch[2] = bitmap & 0xff;
  let o = 3;
  for (const h of childHashes) {
    putHash(scratch, h, o);
    o += 32;
  }
  return sha256(scratch.subarray(0, o));
}

export function makeLeaf(keyHash: Hash, valueHash: Hash, valueVersion: number): Leaf {
  return new Leaf(keyHash, valueHash, leafHash(keyHash, valueHash), PENDING, valueVersion);
}

export function makeInternal(children: (TreeNode | null)[]): Internal {
  let bitmap = 0;
  let o = 3;
  for (let i = 0; i < 16; i++) {
    const c = children[i];
    if (c) {
      bitmap |= 1 << i;
      putHash(scratch, c.hash, o);
      o += 32;
    }
  }
  scratch[0] = 0x01;
  scratch[1] = bitmap >>> 8;
  scratch[2] = bitmap & 0xff;
  return new Internal(children, sha256(scratch.subarray(0, o)), PENDING);
}

/** Nibble `depth` (0 = high half of byte 0) of a key hash. */
export function nibble(keyHash: Hash, depth: number): number {
  const byte = keyHash.charCodeAt(depth >> 1);
  return depth & 1 ? byte & 0x0f : byte >> 4;
}

export function popcount16(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

/** A child as an internal node records it: enough to find it (version) and to hash the parent (hash). */
export interface ChildRef {
  readonly version: number;
  readonly hash: Hash;
  readonly isLeaf: boolean;
}

/**
 * Encodings on disk.
 *   leaf:     0x00 || keyHash(32) || valueHash(32)
 *   internal: 0x01 || bitmap u16 || leafBitmap u16 || per present child: version (u64 BE) || hash(32)
 */
export function encodeNode(node: TreeNode): Uint8Array {
  if (node instanceof Leaf) {
    const out = Buffer.allocUnsafe(65);
    out[0] = 0x00;
    putHash(out, node.keyHash, 1);
    putHash(out, node.valueHash, 33);
    return out;
  }
  let bitmap = 0;
  let leafBitmap = 0;
  let n = 0;
  for (let i = 0; i < 16; i++) {
    const c = node.children[i];
    if (c) {
      bitmap |= 1 << i;
      if (c instanceof Leaf) leafBitmap |= 1 << i;
      n++;
    }
  }
  const out = Buffer.allocUnsafe(5 + 40 * n);
  out[0] = 0x01;
  out[1] = bitmap >>> 8;
  out[2] = bitmap & 0xff;
  out[3] = leafBitmap >>> 8;
  out[4] = leafBitmap & 0xff;
  let o = 5;
  for (let i = 0; i < 16; i++) {
    const c = node.children[i];
    if (c) {
      writeVersion(out, o, c.version);
      putHash(out, c.hash, o + 8);
      o += 40;
    }
  }
  return out;
}

export type DecodedNode =
  | { readonly kind: "leaf"; readonly keyHash: Hash; readonly valueHash: Hash }
  | { readonly kind: "internal"; readonly bitmap: number; readonly children: (ChildRef | undefined)[] };

/** Decodes a stored node; returns undefined for bytes that are not a node. */
export function decodeNode(bytes: Uint8Array): DecodedNode | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0x00 && buf.length === 65) {
    return { kind: "leaf", keyHash: buf.toString("latin1", 1, 33), valueHash: buf.toString("latin1", 33, 65) };
  }
  if (buf[0] !== 0x01 || buf.length < 5) return undefined;
  const bitmap = (buf[1]! << 8) | buf[2]!;
  const leafBitmap = (buf[3]! << 8) | buf[4]!;
  if (buf.length !== 5 + 40 * popcount16(bitmap)) return undefined;
  const children: (ChildRef | undefined)[] = new Array<ChildRef | undefined>(16).fill(undefined);
  let o = 5;
  for (let i = 0; i < 16; i++) {
    if (bitmap & (1 << i)) {
      children[i] = { version: readVersion(buf, o), hash: buf.toString("latin1", o + 8, o + 40), isLeaf: (leafBitmap & (1 << i)) !== 0 };
      o += 40;
    }
  }
  return { kind: "internal", bitmap, children };
}
