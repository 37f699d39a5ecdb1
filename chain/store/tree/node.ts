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
 * Memory layout, chosen for the garbage collector (a 1M-key tree must not be millions of
 * small objects): only internal nodes are objects. A node keeps its children's hashes
 * packed in one latin1 string (one char per byte: `===` is byte equality, `<` byte order),
 * its leaf children's key hashes in another, and per present child either the child node
 * or, for a leaf, the key as a latin1 string, and its leaves' values in one more array
 * (the same strings that the MemoryKV holds, so a leaf costs no object of its own).
 */

import { hash } from "node:crypto";

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
    /** 32 chars per leaf child, nibble order. */
    readonly keyHashes: string,
    /** Per present child, nibble order: the child node, or the leaf's key (latin1). */
    readonly refs: readonly (Node | string)[],
    /** Per leaf child, nibble order: its value (latin1, the same string the MemoryKV holds), so records encode without lookups. */
    readonly values: readonly string[],
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
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = h.charCodeAt(i);
  return out;
}

export function bytesToHash(b: Uint8Array): Hash {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
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

type Latin1Slicer = (this: Buffer, start: number, end: number) => string;
/** Buffer's native latin1 reader, skipping `toString()`'s argument parsing. */
const latin1Slice: Latin1Slicer =
  (Buffer.prototype as unknown as { latin1Slice?: Latin1Slicer }).latin1Slice ??
  function (this: Buffer, start: number, end: number): string {
    return this.toString("latin1", start, end);
  };

/** Bytes [start, end) of `buf` as a latin1 string. */
export function getLatin1(buf: Buffer, start: number, end: number): string {
  return latin1Slice.call(buf, start, end);
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

/** Child nibble `i` of a node as a standalone TreeNode (null if absent). */
export function childAt(node: Node, i: number): TreeNode | null {
  if (!(node.bitmap & (1 << i))) return null;
  const ref = node.refs[rank(node.bitmap, i)]!;
  if (typeof ref !== "string") return ref;
  const h = rank(node.bitmap, i) * 32;
  const kh = rank(node.leafBitmap, i) * 32;
  return {
    key: ref,
    value: node.values[kh >> 5]!,
    keyHash: node.keyHashes.slice(kh, kh + 32),
    hash: node.hashes.slice(h, h + 32),
  };
}

/** The internal-hash preimage being built: 0x01 || bitmap u16 || child hashes; its tail is the node's packed hashes. */
const hb = Buffer.allocUnsafeSlow(3 + 32 * 16);
/** Leaf key hashes of the node being built. */
const kb = Buffer.allocUnsafeSlow(32 * 16);

/** Copies 32 chars of `s` from `from` into `dst` at `o` (a JS loop beats a native call for 32 bytes). */
function copy32(dst: Buffer, o: number, s: string, from: number): void {
  for (let k = 0; k < 32; k++) dst[o + k] = s.charCodeAt(from + k);
}

function finish(
  bitmap: number,
  leafBitmap: number,
  o: number,
  ko: number,
  refs: (Node | string)[],
  values: string[],
): TreeNode | null {
  if (refs.length === 0) return null;
  // A lone leaf moves up: a subtree with one key is that key's leaf.
  if (refs.length === 1 && leafBitmap !== 0)
    return { key: refs[0] as string, value: values[0]!, keyHash: getLatin1(kb, 0, 32), hash: getLatin1(hb, 3, 35) };
  hb[0] = 0x01;
  hb[1] = bitmap >>> 8;
  hb[2] = bitmap & 0xff;
  const hashes = getLatin1(hb, 3, 3 + o);
  // Copies sized exactly: an array grown by push keeps 17+ slots, and the tree holds a few hundred thousand of them.
  return new Node(
    bitmap,
    leafBitmap,
    hashes,
    getLatin1(kb, 0, ko),
    refs.slice(),
    values.slice(),
    sha256(hb.subarray(0, 3 + o)),
    PENDING,
  );
}

/** Builds a node from per-nibble children (holes are null/undefined); the caller ensures two or more are present or one is a node. */
export function makeNode(children: readonly (TreeNode | null | undefined)[]): Node {
  let bitmap = 0;
  let leafBitmap = 0;
  let o = 0;
  let ko = 0;
  const refs: (Node | string)[] = [];
  const values: string[] = [];
  for (let i = 0; i < 16; i++) {
    const c = children[i];
    if (!c) continue;
    bitmap |= 1 << i;
    copy32(hb, 3 + o, c.hash, 0);
    o += 32;
    if (c instanceof Node) {
      refs.push(c);
    } else {
      leafBitmap |= 1 << i;
      refs.push(c.key);
      values.push(c.value);
      copy32(kb, ko, c.keyHash, 0);
      ko += 32;
    }
  }
  return finish(bitmap, leafBitmap, o, ko, refs, values) as Node;
}

/**
 * `old` with the children in `changes` replaced (undefined: unchanged, null: removed),
 * without unpacking the untouched ones. A result with no child is null; one whose only
 * child is a leaf is that leaf.
 */
export function rebuildNode(old: Node, changes: readonly (TreeNode | null | undefined)[]): TreeNode | null {
  let bitmap = 0;
  let leafBitmap = 0;
  let o = 0;
  let ko = 0;
  let r = 0;
  let l = 0;
  const refs: (Node | string)[] = [];
  const values: string[] = [];
  for (let i = 0; i < 16; i++) {
    const bit = 1 << i;
    const c = changes[i];
    if (c !== undefined) {
      if (old.bitmap & bit) {
        r++;
        if (old.leafBitmap & bit) l++;
      }
      if (c === null) continue;
      bitmap |= bit;
      copy32(hb, 3 + o, c.hash, 0);
      if (c instanceof Node) {
        refs.push(c);
      } else {
        leafBitmap |= bit;
        refs.push(c.key);
        values.push(c.value);
        copy32(kb, ko, c.keyHash, 0);
        ko += 32;
      }
      o += 32;
    } else if (old.bitmap & bit) {
      bitmap |= bit;
      copy32(hb, 3 + o, old.hashes, r * 32);
      refs.push(old.refs[r]!);
      if (old.leafBitmap & bit) {
        leafBitmap |= bit;
        values.push(old.values[l]!);
        copy32(kb, ko, old.keyHashes, l * 32);
        ko += 32;
        l++;
      }
      o += 32;
      r++;
    }
  }
  return finish(bitmap, leafBitmap, o, ko, refs, values);
}
