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
 * random keys in a 1M-key tree rebuilds ~13,000 nodes scattered over a large heap, and its
 * cost is mostly cache misses, one per object touched, and the garbage collector copying
 * what survives. So only internal nodes are objects, and a node keeps everything about its
 * leaf children in two latin1 strings (one char per byte: `===` is byte equality, `<` byte
 * order): the present children's hashes, and the leaf children's entries exactly as the
 * disk record holds them (record.ts's leaf entry: key and value). Rebuilding a node copies
 * the runs of untouched children from those strings in one native copy each, and encoding
 * it copies its leaf entries whole, without visiting a string per leaf. A leaf child's key
 * hash is not kept (~480 of the ~2.1 KB a rebuilt leaf-level node allocated and the
 * collector copied): an update finds its key by comparing key bytes, and hashes a key again
 * only where it needs the hash, when a new key splits a leaf or a proof names another key.
 */

import { hash } from "node:crypto";
import { fromLatin1, latin1 } from "../../types/bytes.js";
import type { RecordArena } from "./arena.js";
import { writeVersion } from "./keys.js";

/** A 32-byte hash as a latin1 string. */
export type Hash = string;

export const EMPTY_HASH: Hash = "\0".repeat(32);
export const EMPTY_ROOT: Uint8Array = new Uint8Array(32);

/** A node created by an uncommitted update has no version yet. */
export const PENDING = -1;

export class Node {
  constructor(
    /** Bit i set: child nibble i is present. */
    readonly bitmap: number,
    /** Bit i set: child nibble i is a leaf. */
    readonly leafBitmap: number,
    /** 32 chars per present child, nibble order. */
    readonly hashes: string,
    /** The internal children, nibble order. */
    readonly children: readonly Node[],
    /**
     * Each internal child's version, the one its record's key names, kept here so that writing
     * this node's record does not visit every child (a cache miss each: ~80,000 a block of
     * 10,000 updates at 1M keys). PENDING: the child was built with this node and has its version.
     */
    readonly childVersions: readonly number[],
    /** The leaf children's entries (keyLen u16 || key || valueLen u32 || value), nibble order, concatenated. */
    readonly leaves: string,
    readonly hash: Hash,
    /** Version at which this node was stored (names its db key). */
    public version: number,
  ) {}
}

/** A leaf outside its parent: only while an update touches it, or as a whole tree's root. */
export interface LeafRef {
  readonly key: string;
  readonly value: string;
  readonly keyHash: Hash;
  readonly hash: Hash;
}

export type TreeNode = Node | LeafRef;

export function isNode(n: TreeNode): n is Node {
  return n instanceof Node;
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

/** Where the key of the leaf entry at `o` of a node's `leaves` ends (its value length follows). */
function keyEndAt(leaves: string, o: number): number {
  return o + 2 + ((leaves.charCodeAt(o) << 8) | leaves.charCodeAt(o + 1));
}

/** Where the leaf entry at `o` of a node's `leaves` ends. */
export function leafEntryEnd(leaves: string, o: number): number {
  const k = keyEndAt(leaves, o);
  const n =
    leaves.charCodeAt(k) * 0x100_0000 +
    ((leaves.charCodeAt(k + 1) << 16) | (leaves.charCodeAt(k + 2) << 8) | leaves.charCodeAt(k + 3));
  return k + 4 + n;
}

/** Copies chars [from, to) of `s` into `dst` at `at` and returns how many: a JS loop for a hash or less (cheaper than a native call), a native copy otherwise. */
export function putChars(dst: Buffer, at: number, s: string, from: number, to: number): number {
  const n = to - from;
  if (n > 32) putLatin1(dst, from === 0 && to === s.length ? s : s.slice(from, to), at);
  else for (let k = 0; k < n; k++) dst[at + k] = s.charCodeAt(from + k);
  return n;
}

/** Child nibble `i` of a node as a standalone TreeNode (null if absent). */
export function childAt(node: Node, i: number): TreeNode | null {
  const bit = 1 << i;
  if (!(node.bitmap & bit)) return null;
  if (!(node.leafBitmap & bit)) return node.children[rank(node.bitmap & ~node.leafBitmap, i)]!;
  return leafAt(node, i);
}

/** Where the entry of leaf child nibble `i` (which must be a leaf) starts in the node's `leaves`. */
function leafEntryAt(node: Node, i: number): number {
  const l = rank(node.leafBitmap, i);
  let o = 0;
  for (let k = 0; k < l; k++) o = leafEntryEnd(node.leaves, o);
  return o;
}

/** Whether the leaf child at nibble `i` (which must be a leaf) holds `key` (latin1). */
export function leafKeyIs(node: Node, i: number, key: string): boolean {
  const o = leafEntryAt(node, i);
  return keyEndAt(node.leaves, o) - (o + 2) === key.length && node.leaves.startsWith(key, o + 2);
}

/** The leaf child at nibble `i` (which must be a leaf) as a LeafRef; its key is hashed again. */
export function leafAt(node: Node, i: number): LeafRef {
  const o = leafEntryAt(node, i);
  const keyEnd = keyEndAt(node.leaves, o);
  const h = rank(node.bitmap, i) * 32;
  const key = node.leaves.slice(o + 2, keyEnd);
  return {
    key,
    value: node.leaves.slice(keyEnd + 4, leafEntryEnd(node.leaves, o)),
    keyHash: sha256(fromLatin1(key)),
    hash: node.hashes.slice(h, h + 32),
  };
}

/** The internal-hash preimage being built: 0x01 || bitmap u16 || child hashes; its tail is the node's packed hashes. */
const hb = Buffer.allocUnsafeSlow(3 + 32 * 16);
/** Leaf entries of the node being built (grown for large values). */
let lb = Buffer.allocUnsafeSlow(64 * 1024);

/** Copies 32 chars of `s` from `from` into `dst` at `o` (a JS loop beats a native call for 32 bytes). */
function copy32(dst: Buffer, o: number, s: string, from: number): void {
  for (let k = 0; k < 32; k++) dst[o + k] = s.charCodeAt(from + k);
}

/** A node with no children: what `makeNode` rebuilds from. */
/** The children and versions of every node without internal children (never written to: the fields are readonly). */
export const NO_CHILDREN: readonly Node[] = Object.freeze([]);
export const NO_VERSIONS: readonly number[] = Object.freeze([]);

const NO_NODE = new Node(0, 0, "", NO_CHILDREN, NO_VERSIONS, "", EMPTY_HASH, PENDING);

/** The internal children of the node being built, and their versions. */
const kids: Node[] = [];
const kidVersions: number[] = [];

/** Builds a node from per-nibble children (holes are null/undefined); the caller ensures two or more are present or one is a node. */
export function makeNode(children: readonly (TreeNode | null | undefined)[], arena: RecordArena): Node {
  return rebuildNode(NO_NODE, children, arena) as Node;
}

/**
 * `old` with the children in `changes` replaced (undefined: unchanged, null: removed).
 * Untouched children are copied from `old`'s strings as runs, one copy per run, without
 * being looked at one by one. A result with no child is null; one whose only child is a
 * leaf is that leaf. A node's disk record (record.ts) is written into `arena`, which then
 * ends with it.
 */
export function rebuildNode(
  old: Node,
  changes: readonly (TreeNode | null | undefined)[],
  arena: RecordArena,
): TreeNode | null {
  let need = old.leaves.length;
  for (let i = 0; i < 16; i++) {
    const c = changes[i];
    if (c && !(c instanceof Node)) need += leafEntrySize(c.key, c.value);
  }
  if (need > lb.length) lb = Buffer.allocUnsafeSlow(Math.max(need, 2 * lb.length));

  let bitmap = 0;
  let leafBitmap = 0;
  /** Bytes written to hb (after its 3-byte header) and lb. */
  let o = 0;
  let lo = 0;
  /** The current run of untouched children in old's strings: [from, at). */
  let hFrom = 0;
  let hAt = 0;
  let lFrom = 0;
  let lAt = 0;
  let c = 0;
  let n = 0;
  for (let i = 0; i < 16; i++) {
    const bit = 1 << i;
    const change = changes[i];
    const wasPresent = (old.bitmap & bit) !== 0;
    const wasLeaf = (old.leafBitmap & bit) !== 0;
    if (change === undefined) {
      if (!wasPresent) continue;
      bitmap |= bit;
      hAt += 32;
      if (wasLeaf) {
        leafBitmap |= bit;
        lAt = leafEntryEnd(old.leaves, lAt);
      } else {
        const v = old.childVersions[c]!;
        kids[n] = old.children[c++]!;
        kidVersions[n++] = v === PENDING ? old.version : v;
      }
      continue;
    }
    // A changed slot ends the runs; the old child's bytes are skipped.
    o += putChars(hb, 3 + o, old.hashes, hFrom, hAt);
    lo += putChars(lb, lo, old.leaves, lFrom, lAt);
    if (wasPresent) {
      hAt += 32;
      if (wasLeaf) {
        lAt = leafEntryEnd(old.leaves, lAt);
      } else {
        c++;
      }
    }
    hFrom = hAt;
    lFrom = lAt;
    if (change === null) continue;
    bitmap |= bit;
    copy32(hb, 3 + o, change.hash, 0);
    o += 32;
    if (change instanceof Node) {
      kids[n] = change;
      kidVersions[n++] = change.version;
    } else {
      leafBitmap |= bit;
      lo = putLeafEntry(lb, lo, change.key, change.value);
    }
  }
  o += putChars(hb, 3 + o, old.hashes, hFrom, hAt);
  lo += putChars(lb, lo, old.leaves, lFrom, lAt);

  if (bitmap === 0) return null;
  // A lone leaf moves up: a subtree with one key is that key's leaf.
  if (o === 32 && leafBitmap !== 0) {
    const keyEnd = 2 + ((lb[0]! << 8) | lb[1]!);
    const key = getLatin1(lb, 2, keyEnd);
    return {
      key,
      value: getLatin1(lb, keyEnd + 4, lo),
      // Only after deletes; the key's hash is not kept in the node (above).
      keyHash: sha256(fromLatin1(key)),
      hash: getLatin1(hb, 3, 35),
    };
  }
  writeRecord(arena, bitmap, leafBitmap, n, lo);
  hb[0] = 0x01;
  hb[1] = bitmap >>> 8;
  hb[2] = bitmap & 0xff;
  return new Node(
    bitmap,
    leafBitmap,
    getLatin1(hb, 3, 3 + o),
    // Sized exactly, and shared when empty: the tree holds hundreds of thousands of nodes, most at the deepest level with leaves only.
    n === 0 ? NO_CHILDREN : kids.slice(0, n),
    n === 0 ? NO_VERSIONS : kidVersions.slice(0, n),
    getLatin1(lb, 0, lo),
    sha256(hb.subarray(0, 3 + o)),
    PENDING,
  );
}

/** Copies bytes [from, to) of `src` into `dst` at `at` and returns how many: a JS loop only for a hash or less (past that a native copy is cheaper, view and all). */
function copyBytes(dst: Buffer, at: number, src: Buffer, from: number, to: number): number {
  const n = to - from;
  if (n > 32) src.copy(dst, at, from, to);
  else for (let k = 0; k < n; k++) dst[at + k] = src[from + k]!;
  return n;
}

/**
 * Appends the record of the node being built (its child hashes in `hb`, its leaf entries in
 * `lb[0, lo)`, its `internal` internal children's versions in `kidVersions`) to the arena: 0x01 || bitmap || leafBitmap || per present child, an internal
 * child's version and hash or a leaf child's entry. A child built by the same update has no
 * version yet: its field is listed in the arena.
 */
function writeRecord(arena: RecordArena, bitmap: number, leafBitmap: number, internal: number, lo: number): void {
  const start = arena.reserve(5 + lo + 40 * internal);
  const out = arena.buf;
  out[start] = 0x01;
  out[start + 1] = bitmap >>> 8;
  out[start + 2] = bitmap & 0xff;
  out[start + 3] = leafBitmap >>> 8;
  out[start + 4] = leafBitmap & 0xff;
  let w = start + 5;
  // Most nodes are all leaves (the deepest level) or all internal (the levels above it).
  if (internal === 0) {
    arena.length = w + copyBytes(out, w, lb, 0, lo);
    return;
  }
  let h = 3;
  /** The run of leaf entries not yet copied: lb[lFrom, l). */
  let lFrom = 0;
  let l = 0;
  let c = 0;
  for (let i = 0; i < 16; i++) {
    const bit = 1 << i;
    if (!(bitmap & bit)) continue;
    if (leafBitmap & bit) {
      const keyEnd = l + 2 + ((lb[l]! << 8) | lb[l + 1]!);
      l = keyEnd + 4 + lb.readUInt32BE(keyEnd);
    } else {
      w += copyBytes(out, w, lb, lFrom, l);
      lFrom = l;
      const version = kidVersions[c++]!;
      if (version === PENDING) arena.pendingVersions.push(w);
      else writeVersion(out, w, version);
      copyBytes(out, w + 8, hb, h, h + 32);
      w += 40;
    }
    h += 32;
  }
  w += copyBytes(out, w, lb, lFrom, l);
  arena.length = w;
}
