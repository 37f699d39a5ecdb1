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
 * Memory layout, chosen for the memory system more than for the code: a commit of 10,000
 * random keys in a 1M-key tree rebuilds ~19,000 nodes scattered over a large heap, and its
 * cost is mostly cache misses, one per object touched, and the garbage collector copying
 * what survives. So a node is one block of a slab (slab.ts, off the V8 heap), addressed by
 * a number, that holds everything about it and its leaf children:
 *
 *   0   version f64 (PENDING until committed)
 *   8   bitmap u16 LE || leafBitmap u16 LE || leaf entries' length u32 LE
 *   16  the node's hash (32)
 *   48  the present children's hashes, 32 each, nibble order
 *       per internal child, nibble order: its handle f64 || its version f64 (PENDING: the child
 *       was built with this node and has its version)
 *       the leaf children's entries exactly as the disk record holds them (record.ts: key, value)
 *
 * Rebuilding a node copies the runs of untouched children from its old block, one native
 * copy each, and encoding it copies its leaf entries whole. A leaf child's key hash is not
 * kept: an update finds its key by comparing key bytes, and hashes a key again only where
 * it needs the hash, when a new key splits a leaf or a proof names another key. A block is
 * freed when the commit that replaces its node is made (stateStore.ts).
 */

import { hash } from "node:crypto";
import { fromLatin1, latin1 } from "../../types/bytes.js";
import { allocBlock, f64Of, freeBlock, offsetOf, slabOf } from "./slab.js";

/** A 32-byte hash as a latin1 string. */
export type Hash = string;

export const EMPTY_HASH: Hash = "\0".repeat(32);
export const EMPTY_ROOT: Uint8Array = new Uint8Array(32);

/** A node created by an uncommitted update has no version yet. */
export const PENDING = -1;

/** A node: the handle of its block (slab.ts). */
export type Node = number;

/** A leaf outside its parent: only while an update touches it, or as a whole tree's root. */
export interface LeafRef {
  readonly key: string;
  readonly value: string;
  readonly keyHash: Hash;
  readonly hash: Hash;
}

export type TreeNode = Node | LeafRef;

export function isNode(n: TreeNode): n is Node {
  return typeof n === "number";
}

export function sha256(data: Uint8Array): Hash {
  return hash("sha256", data, "binary"); // "binary" is latin1
}

export function hashToBytes(h: Hash): Uint8Array {
  return fromLatin1(h);
}

export function bytesToHash(b: Uint8Array): Hash {
  return latin1(b);
}

/** Scratch space for hash preimages and packed strings (hashing copies it, so reuse is safe). */
const scratch = Buffer.allocUnsafeSlow(3 + 32 * 16);

type Latin1Writer = (this: Buffer, s: string, offset: number, length: number) => number;
/** Buffer's native latin1 writer, skipping `write()`'s argument parsing: this runs for every child of every rebuilt node. */
const latin1Write: Latin1Writer =
  (Buffer.prototype as unknown as { latin1Write?: Latin1Writer }).latin1Write ??
  function (this: Buffer, s: string, offset: number, length: number): number {
    return this.write(s, offset, length, "latin1");
  };

/** Bytes [start, end) of `buf` as a latin1 string (Buffer's native reader, chain/types/bytes.ts). */
export function getLatin1(buf: Buffer, start: number, end: number): string {
  return latin1(buf, start, end);
}

/** Writes a latin1 string (a hash, a packed hash list, a key) into `buf` at `offset`. */
export function putLatin1(buf: Buffer, s: string, offset: number): void {
  latin1Write.call(buf, s, offset, s.length);
}

const leafPreimage = Buffer.allocUnsafeSlow(65);

export function leafHash(keyHash: Hash, valueHash: Hash): Hash {
  leafPreimage[0] = 0x00;
  for (let k = 0; k < 32; k++) {
    leafPreimage[1 + k] = keyHash.charCodeAt(k);
    leafPreimage[33 + k] = valueHash.charCodeAt(k);
  }
  return sha256(leafPreimage);
}

/** Hash of an internal node from its bitmap and its present children's hashes, packed in nibble order. */
export function internalHashPacked(bitmap: number, packed: string): Hash {
  scratch[0] = 0x01;
  scratch[1] = bitmap >>> 8;
  scratch[2] = bitmap & 0xff;
  putLatin1(scratch, packed, 3);
  return sha256(scratch.subarray(0, 3 + packed.length));
}

export function internalHash(bitmap: number, childHashes: readonly Hash[]): Hash {
  return internalHashPacked(bitmap, childHashes.join(""));
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

/** Index among present children of child nibble `i`. */
export function rank(bitmap: number, i: number): number {
  return popcount16(bitmap & ((1 << i) - 1));
}

/** Size of a leaf entry: keyLen u16 || key || valueLen u32 || value. */
export function leafEntrySize(key: string, value: string): number {
  return 6 + key.length + value.length;
}

/** Writes a leaf entry at `o`; returns where it ends. */
export function putLeafEntry(out: Buffer, o: number, key: string, value: string): number {
  out[o] = key.length >>> 8;
  out[o + 1] = key.length & 0xff;
  putChars(out, o + 2, key, 0, key.length);
  o += 2 + key.length;
  const n = value.length;
  out[o] = n >>> 24;
  out[o + 1] = (n >>> 16) & 0xff;
  out[o + 2] = (n >>> 8) & 0xff;
  out[o + 3] = n & 0xff;
  putChars(out, o + 4, value, 0, n);
  return o + 4 + n;
}

/** Where the leaf entry at `o` of `b` ends. */
export function leafEntryEnd(b: Uint8Array, o: number): number {
  const k = o + 2 + ((b[o]! << 8) | b[o + 1]!);
  return k + 4 + (b[k]! * 0x100_0000 + ((b[k + 1]! << 16) | (b[k + 2]! << 8) | b[k + 3]!));
}

/** Copies chars [from, to) of `s` into `dst` at `at` and returns how many: a JS loop for a hash or less (cheaper than a native call), a native copy otherwise. */
export function putChars(dst: Buffer, at: number, s: string, from: number, to: number): number {
  const n = to - from;
  if (n > 32) putLatin1(dst, from === 0 && to === s.length ? s : s.slice(from, to), at);
  else for (let k = 0; k < n; k++) dst[at + k] = s.charCodeAt(from + k);
  return n;
}

// The node block (layout above). Offsets are from the block's start.
const BITMAP = 8;
const LEAF_BITMAP = 10;
const LEAVES_LENGTH = 12;
export const HASH = 16;
export const HASHES = 48;

/** Bit i set: child nibble i is present. */
export function nodeBitmap(h: Node): number {
  const b = slabOf(h);
  const o = offsetOf(h) + BITMAP;
  return b[o]! | (b[o + 1]! << 8);
}

/** Bit i set: child nibble i is a leaf. */
export function nodeLeafBitmap(h: Node): number {
  const b = slabOf(h);
  const o = offsetOf(h) + LEAF_BITMAP;
  return b[o]! | (b[o + 1]! << 8);
}

function leavesLength(b: Buffer, o: number): number {
  return (
    (b[o + LEAVES_LENGTH]! | (b[o + LEAVES_LENGTH + 1]! << 8) | (b[o + LEAVES_LENGTH + 2]! << 16)) +
    b[o + LEAVES_LENGTH + 3]! * 0x100_0000
  );
}

/** The version the node was stored at (PENDING before its commit). */
export function nodeVersion(h: Node): number {
  return f64Of(h)[offsetOf(h) >> 3]!;
}

export function setNodeVersion(h: Node, version: number): void {
  f64Of(h)[offsetOf(h) >> 3] = version;
}

export function nodeHash(h: Node): Hash {
  const o = offsetOf(h) + HASH;
  return getLatin1(slabOf(h), o, o + 32);
}

/** The hash of a node or leaf. */
export function treeNodeHash(n: TreeNode): Hash {
  return isNode(n) ? nodeHash(n) : n.hash;
}

/** Hash `r` (rank among present children) of node `h`. */
export function childHashAt(h: Node, r: number): Hash {
  const o = offsetOf(h) + HASHES + 32 * r;
  return getLatin1(slabOf(h), o, o + 32);
}

/** Where internal child `c` (rank among internal children) of node `h` has its handle, as a float64 index; its version follows. */
function kidSlot(h: Node, bitmap: number, c: number): number {
  return ((offsetOf(h) + HASHES + 32 * popcount16(bitmap)) >> 3) + 2 * c;
}

/** The internal child at nibble `i` (which must be one) of node `h`. */
export function internalChildAt(h: Node, i: number): Node {
  const bitmap = nodeBitmap(h);
  return f64Of(h)[kidSlot(h, bitmap, rank(bitmap & ~nodeLeafBitmap(h), i))]!;
}

/** Sets internal child `c` (rank among internal children) of node `h` (loading a tree fills them in level by level). */
export function setInternalChild(h: Node, c: number, child: Node): void {
  f64Of(h)[kidSlot(h, nodeBitmap(h), c)] = child;
}

/** Where node `h`'s leaf entries start in its slab. */
function leavesStart(h: Node, bitmap: number, leafBitmap: number): number {
  return offsetOf(h) + HASHES + 32 * popcount16(bitmap) + 16 * popcount16(bitmap & ~leafBitmap);
}

/** Where the entry of leaf child nibble `i` (which must be a leaf) starts in the slab. */
function leafEntryOf(h: Node, i: number): number {
  const b = slabOf(h);
  const leafBitmap = nodeLeafBitmap(h);
  let o = leavesStart(h, nodeBitmap(h), leafBitmap);
  for (let k = rank(leafBitmap, i); k > 0; k--) o = leafEntryEnd(b, o);
  return o;
}

/** Whether the leaf child at nibble `i` (which must be a leaf) holds `key` (latin1). */
export function leafKeyIs(h: Node, i: number, key: string): boolean {
  const b = slabOf(h);
  const o = leafEntryOf(h, i);
  if (((b[o]! << 8) | b[o + 1]!) !== key.length) return false;
  for (let k = 0; k < key.length; k++) if (b[o + 2 + k] !== key.charCodeAt(k)) return false;
  return true;
}

/** Whether child nibble `i` of node `h` has hash `hash`. */
export function childHashIs(h: Node, i: number, hash: Hash): boolean {
  const b = slabOf(h);
  const o = offsetOf(h) + HASHES + 32 * rank(nodeBitmap(h), i);
  for (let k = 0; k < 32; k++) if (b[o + k] !== hash.charCodeAt(k)) return false;
  return true;
}

/** The leaf child at nibble `i` (which must be a leaf) as a LeafRef; its key is hashed again. */
export function leafAt(h: Node, i: number): LeafRef {
  const b = slabOf(h);
  const o = leafEntryOf(h, i);
  const keyEnd = o + 2 + ((b[o]! << 8) | b[o + 1]!);
  const key = getLatin1(b, o + 2, keyEnd);
  return {
    key,
    value: getLatin1(b, keyEnd + 4, leafEntryEnd(b, o)),
    keyHash: sha256(b.subarray(o + 2, keyEnd)),
    hash: childHashAt(h, rank(nodeBitmap(h), i)),
  };
}

/** Child nibble `i` of a node as a standalone TreeNode (null if absent). */
export function childAt(h: Node, i: number): TreeNode | null {
  const bit = 1 << i;
  const bitmap = nodeBitmap(h);
  if (!(bitmap & bit)) return null;
  return nodeLeafBitmap(h) & bit ? leafAt(h, i) : internalChildAt(h, i);
}

function blockSize(present: number, internal: number, leavesBytes: number): number {
  return HASHES + 32 * present + 16 * internal + leavesBytes;
}

/**
 * Stores a node: its present children's hashes are `hashes[hFrom, hFrom + 32 * present)`, its
 * internal children `kids[0, internal)` (handles, or 0 to be set later) with `kidVersions`, its
 * leaf entries `leaves[0, leavesBytes)`.
 */
export function storeNode(
  bitmap: number,
  leafBitmap: number,
  hashes: Buffer,
  hFrom: number,
  kids: readonly number[],
  kidVersions: readonly number[],
  leaves: Buffer,
  leavesBytes: number,
  hash: Hash,
  version: number,
): Node {
  const present = popcount16(bitmap);
  const internal = present - popcount16(leafBitmap);
  const h = allocNode(bitmap, leafBitmap, leavesBytes);
  const b = slabOf(h);
  const f = f64Of(h);
  const o = offsetOf(h);
  f[o >> 3] = version;
  for (let k = 0; k < 32; k++) b[o + HASH + k] = hash.charCodeAt(k);
  let w = o + HASHES;
  hashes.copy(b, w, hFrom, hFrom + 32 * present);
  w += 32 * present;
  for (let c = 0; c < internal; c++) {
    f[(w >> 3) + 2 * c] = kids[c]!;
    f[(w >> 3) + 2 * c + 1] = kidVersions[c]!;
  }
  w += 16 * internal;
  if (leavesBytes > 0) leaves.copy(b, w, 0, leavesBytes);
  return h;
}

/** A node's block with its header written (version PENDING, hash not yet), for the caller to fill in. */
export function allocNode(bitmap: number, leafBitmap: number, leavesBytes: number): Node {
  const present = popcount16(bitmap);
  const h = allocBlock(blockSize(present, present - popcount16(leafBitmap), leavesBytes));
  const b = slabOf(h);
  const o = offsetOf(h);
  f64Of(h)[o >> 3] = PENDING;
  b[o + BITMAP] = bitmap & 0xff;
  b[o + BITMAP + 1] = bitmap >>> 8;
  b[o + LEAF_BITMAP] = leafBitmap & 0xff;
  b[o + LEAF_BITMAP + 1] = leafBitmap >>> 8;
  b.writeUInt32LE(leavesBytes, o + LEAVES_LENGTH);
  return h;
}

/** The size of node `h`'s block. */
export function nodeBlockSize(h: Node): number {
  const b = slabOf(h);
  const o = offsetOf(h);
  const bitmap = b[o + BITMAP]! | (b[o + BITMAP + 1]! << 8);
  const leafBitmap = b[o + LEAF_BITMAP]! | (b[o + LEAF_BITMAP + 1]! << 8);
  const present = popcount16(bitmap);
  return blockSize(present, present - popcount16(leafBitmap), leavesLength(b, o));
}

/** Frees node `h`'s block (slab.ts): the node must no longer be reachable. `size` is its block's, if known. */
export function freeNode(h: Node, size = nodeBlockSize(h)): void {
  freeBlock(h, size);
}

/** Frees every node of a tree (a store being closed, a tree computed for a check). */
export function freeTree(root: TreeNode | null): void {
  if (root === null || !isNode(root)) return;
  const bitmap = nodeBitmap(root);
  const internal = bitmap & ~nodeLeafBitmap(root);
  for (let i = 0; i < 16; i++) if (internal & (1 << i)) freeTree(internalChildAt(root, i));
  freeNode(root);
}

/** The parts of node `h`'s block that a rebuild reads: offsets in its slab. */
export interface NodeParts {
  slab: Buffer;
  f64: Float64Array;
  bitmap: number;
  leafBitmap: number;
  version: number;
  /** Offset of the children's hashes; the internal children's (handle, version) pairs follow at float64 index `kids`, then the leaf entries at `leaves`. */
  hashes: number;
  kids: number;
  leaves: number;
  leavesEnd: number;
}

/** Reads node `h`'s header into `parts` (reused: rebuilds run for ~19,000 nodes a block). */
export function readParts(h: Node, parts: NodeParts): void {
  const b = slabOf(h);
  const o = offsetOf(h);
  parts.slab = b;
  parts.f64 = f64Of(h);
  parts.bitmap = b[o + BITMAP]! | (b[o + BITMAP + 1]! << 8);
  parts.leafBitmap = b[o + LEAF_BITMAP]! | (b[o + LEAF_BITMAP + 1]! << 8);
  parts.version = parts.f64[o >> 3]!;
  const present = popcount16(parts.bitmap);
  parts.hashes = o + HASHES;
  parts.kids = (o + HASHES + 32 * present) >> 3;
  parts.leaves = o + HASHES + 32 * present + 16 * (present - popcount16(parts.leafBitmap));
  parts.leavesEnd = parts.leaves + leavesLength(b, o);
}
