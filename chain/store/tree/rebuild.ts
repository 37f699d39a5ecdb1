/**
 * Building a node's new version: its block (node.ts), its hash and its disk record
 * (record.ts, into the update's arena) in one pass over its old block and the changes.
 */

import type { RecordArena } from "./arena.js";
import { writeVersion } from "./keys.js";
import {
  EMPTY_HASH,
  HASH,
  HASHES,
  PENDING,
  allocNode,
  isNode,
  leafAt,
  leafEntryEnd,
  leafEntrySize,
  nodeVersion,
  popcount16,
  putLeafEntry,
  readParts,
  sha256,
  storeNode,
} from "./node.js";
import type { LeafRef, Node, NodeParts, TreeNode } from "./node.js";
import { f64Of, offsetOf, slabOf } from "./slab.js";

/** Copies 32 chars of `s` into `dst` at `o` (a JS loop beats a native call for 32 bytes). */
function copy32(dst: Buffer, o: number, s: string): void {
  for (let k = 0; k < 32; k++) dst[o + k] = s.charCodeAt(k);
}

/** Copies bytes [from, to) of `src` into `dst` at `at` and returns how many: a JS loop only for a hash or less (past that a native copy is cheaper, view and all). */
function copyBytes(dst: Buffer, at: number, src: Buffer, from: number, to: number): number {
  const n = to - from;
  if (n > 32) src.copy(dst, at, from, to);
  else for (let k = 0; k < n; k++) dst[at + k] = src[from + k]!;
  return n;
}

/** A node with no children: what `makeNode` rebuilds from (never freed). */
const NO_NODE = storeNode(0, 0, Buffer.alloc(0), 0, [], [], Buffer.alloc(0), 0, EMPTY_HASH, PENDING);

/** The old node's parts (reused). */
const old: NodeParts = {
  slab: Buffer.alloc(0),
  f64: new Float64Array(0),
  bitmap: 0,
  leafBitmap: 0,
  version: 0,
  hashes: 0,
  kids: 0,
  leaves: 0,
  leavesEnd: 0,
};

/** Builds a node from per-nibble children (holes are null/undefined); the caller ensures two or more are present or one is a node. */
export function makeNode(children: readonly (TreeNode | null | undefined)[], arena: RecordArena): Node {
  return rebuildNode(NO_NODE, children, arena) as Node;
}

/** The ends of the old node's leaf entries, by rank. */
const ends = new Int32Array(16);

/**
 * Node `from` with the children in `changes` replaced (undefined: unchanged, null: removed),
 * as a new node (`from` is left as it is). A first pass finds the result's shape and size;
 * the second writes it straight into its block, copying the runs of untouched children
 * from `from`'s block, one copy per run, without looking at them one by one. A result with
 * no child is null; one whose only child is a leaf is that leaf. A node's disk record
 * (record.ts) is written into `arena`, which then ends with it.
 */
export function rebuildNode(
  from: Node,
  changes: readonly (TreeNode | null | undefined)[],
  arena: RecordArena,
): TreeNode | null {
  readParts(from, old);
  const ob = old.slab;
  const of = old.f64;
  let bitmap = 0;
  let leafBitmap = 0;
  let leavesBytes = old.leavesEnd - old.leaves;
  let e = old.leaves;
  let l = 0;
  for (let i = 0; i < 16; i++) {
    const bit = 1 << i;
    const change = changes[i];
    if (old.leafBitmap & bit) {
      const end = leafEntryEnd(ob, e);
      ends[l++] = end;
      if (change !== undefined) leavesBytes -= end - e;
      e = end;
    }
    if (change === undefined) {
      bitmap |= old.bitmap & bit;
      leafBitmap |= old.leafBitmap & bit;
    } else if (change !== null) {
      bitmap |= bit;
      if (!isNode(change)) {
        leafBitmap |= bit;
        leavesBytes += leafEntrySize(change.key, change.value);
      }
    }
  }
  if (bitmap === 0) return null;
  // A lone leaf moves up: a subtree with one key is that key's leaf (only after deletes).
  if ((bitmap & (bitmap - 1)) === 0 && leafBitmap !== 0) {
    const i = 31 - Math.clz32(bitmap);
    return (changes[i] as LeafRef | undefined) ?? leafAt(from, i);
  }

  const h = allocNode(bitmap, leafBitmap, leavesBytes);
  const b = slabOf(h);
  const f = f64Of(h);
  const base = offsetOf(h);
  const present = popcount16(bitmap);
  /** Where the next child hash, internal child and leaf entry go. */
  let hw = base + HASHES;
  let kw = (hw + 32 * present) >> 3;
  const leavesStart = hw + 32 * present + 16 * (present - popcount16(leafBitmap));
  let lw = leavesStart;
  /** The current runs of untouched children in the old block: [from, at). */
  let hFrom = old.hashes;
  let hAt = hFrom;
  let lFrom = old.leaves;
  let lAt = lFrom;
  let c = 0;
  l = 0;
  for (let i = 0; i < 16; i++) {
    const bit = 1 << i;
    const change = changes[i];
    const wasPresent = (old.bitmap & bit) !== 0;
    const wasLeaf = (old.leafBitmap & bit) !== 0;
    if (change === undefined) {
      if (!wasPresent) continue;
      hAt += 32;
      if (wasLeaf) {
        lAt = ends[l++]!;
      } else {
        const slot = old.kids + 2 * c++;
        const v = of[slot + 1]!;
        f[kw++] = of[slot]!;
        f[kw++] = v === PENDING ? old.version : v;
      }
      continue;
    }
    // A changed slot ends the runs; the old child's bytes are skipped.
    hw += copyBytes(b, hw, ob, hFrom, hAt);
    lw += copyBytes(b, lw, ob, lFrom, lAt);
    if (wasPresent) {
      hAt += 32;
      if (wasLeaf) lAt = ends[l++]!;
      else c++;
    }
    hFrom = hAt;
    lFrom = lAt;
    if (change === null) continue;
    if (isNode(change)) {
      const cb = slabOf(change);
      const at = offsetOf(change) + HASH;
      for (let k = 0; k < 32; k++) b[hw + k] = cb[at + k]!;
      f[kw++] = change;
      f[kw++] = nodeVersion(change);
    } else {
      copy32(b, hw, change.hash);
      lw = putLeafEntry(b, lw, change.key, change.value);
    }
    hw += 32;
  }
  hw += copyBytes(b, hw, ob, hFrom, hAt);
  copyBytes(b, lw, ob, lFrom, lAt);

  // The hash preimage, 0x01 || bitmap u16 || child hashes, is the hashes with a 3-byte
  // header in front: the tail of the hash field, which the hash then overwrites.
  b[base + HASHES - 3] = 0x01;
  b[base + HASHES - 2] = bitmap >>> 8;
  b[base + HASHES - 1] = bitmap & 0xff;
  const hash = sha256(b.subarray(base + HASHES - 3, hw));
  copy32(b, base + HASH, hash);
  writeRecord(arena, b, f, base, bitmap, leafBitmap, leavesStart, leavesStart + leavesBytes);
  return h;
}

/**
 * Appends the record of node block `base` of slab `b` to the arena: 0x01 || bitmap ||
 * leafBitmap || per present child, an internal child's version and hash or a leaf child's
 * entry (the block's leaf entries are [leavesStart, leavesEnd)). A child built by the same
 * update has no version yet: its field is listed in the arena.
 */
function writeRecord(
  arena: RecordArena,
  b: Buffer,
  f: Float64Array,
  base: number,
  bitmap: number,
  leafBitmap: number,
  leavesStart: number,
  leavesEnd: number,
): void {
  const present = popcount16(bitmap);
  const internal = present - popcount16(leafBitmap);
  const start = arena.reserve(5 + (leavesEnd - leavesStart) + 40 * internal);
  const out = arena.buf;
  out[start] = 0x01;
  out[start + 1] = bitmap >>> 8;
  out[start + 2] = bitmap & 0xff;
  out[start + 3] = leafBitmap >>> 8;
  out[start + 4] = leafBitmap & 0xff;
  let w = start + 5;
  // Most nodes are all leaves (the deepest level) or all internal (the levels above it).
  if (internal === 0) {
    arena.length = w + copyBytes(out, w, b, leavesStart, leavesEnd);
    return;
  }
  let h = base + HASHES;
  let kv = ((h + 32 * present) >> 3) + 1;
  /** The run of leaf entries not yet copied: [lFrom, l). */
  let lFrom = leavesStart;
  let l = leavesStart;
  for (let i = 0; i < 16; i++) {
    const bit = 1 << i;
    if (!(bitmap & bit)) continue;
    if (leafBitmap & bit) {
      l = leafEntryEnd(b, l);
    } else {
      w += copyBytes(out, w, b, lFrom, l);
      lFrom = l;
      const version = f[kv]!;
      kv += 2;
      if (version === PENDING) arena.pendingVersions.push(w);
      else writeVersion(out, w, version);
      copyBytes(out, w + 8, b, h, h + 32);
      w += 40;
    }
    h += 32;
  }
  w += copyBytes(out, w, b, lFrom, l);
  arena.length = w;
}
