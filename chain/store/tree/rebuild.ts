/**
 * Building a node's new version: its block (node.ts), its hash and its disk record
 * (record.ts, into the update's arena) in one pass over its old block and the changes.
 */

import type { RecordArena } from "./arena.js";
import { writeVersion } from "./keys.js";
import {
  EMPTY_HASH,
  PENDING,
  getLatin1,
  isNode,
  leafEntryEnd,
  leafEntrySize,
  nodeVersion,
  putLeafEntry,
  readParts,
  sha256,
  storeNode,
} from "./node.js";
import type { Node, NodeParts, TreeNode } from "./node.js";
import { offsetOf, slabOf } from "./slab.js";
import { fromLatin1 } from "../../types/bytes.js";

/** The internal-hash preimage being built: 0x01 || bitmap u16 || child hashes; its tail is the node's packed hashes. */
const hb = Buffer.allocUnsafeSlow(3 + 32 * 16);
/** Leaf entries of the node being built (grown for large values). */
let lb = Buffer.allocUnsafeSlow(64 * 1024);

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
const NO_NODE = storeNode(0, 0, hb, 0, [], [], lb, 0, EMPTY_HASH, PENDING);

/** The internal children of the node being built, and their versions. */
const kids: number[] = [];
const kidVersions: number[] = [];
const old: NodeParts = {
  slab: lb,
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

/**
 * Node `from` with the children in `changes` replaced (undefined: unchanged, null: removed),
 * as a new node (`from` is left as it is). Untouched children are copied from `from`'s
 * block as runs, one copy per run, without being looked at one by one. A result with no
 * child is null; one whose only child is a leaf is that leaf. A node's disk record
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
  let need = 0;
  for (let i = 0; i < 16; i++) {
    const c = changes[i];
    if (c && !isNode(c)) need += leafEntrySize(c.key, c.value);
  }
  need += old.leavesEnd - old.leaves;
  if (need > lb.length) lb = Buffer.allocUnsafeSlow(Math.max(need, 2 * lb.length));

  let bitmap = 0;
  let leafBitmap = 0;
  /** Bytes written to hb (after its 3-byte header) and lb. */
  let o = 0;
  let lo = 0;
  /** The current runs of untouched children in the old block: [from, at). */
  let hFrom = old.hashes;
  let hAt = hFrom;
  let lFrom = old.leaves;
  let lAt = lFrom;
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
        lAt = leafEntryEnd(ob, lAt);
      } else {
        const slot = old.kids + 2 * c++;
        const v = of[slot + 1]!;
        kids[n] = of[slot]!;
        kidVersions[n++] = v === PENDING ? old.version : v;
      }
      continue;
    }
    // A changed slot ends the runs; the old child's bytes are skipped.
    o += copyBytes(hb, 3 + o, ob, hFrom, hAt);
    lo += copyBytes(lb, lo, ob, lFrom, lAt);
    if (wasPresent) {
      hAt += 32;
      if (wasLeaf) lAt = leafEntryEnd(ob, lAt);
      else c++;
    }
    hFrom = hAt;
    lFrom = lAt;
    if (change === null) continue;
    bitmap |= bit;
    if (isNode(change)) {
      // The child's hash, from its block (node.ts's layout: at 16).
      const cb = slabOf(change);
      const at = offsetOf(change) + 16;
      for (let k = 0; k < 32; k++) hb[3 + o + k] = cb[at + k]!;
      kids[n] = change;
      kidVersions[n++] = nodeVersion(change);
    } else {
      leafBitmap |= bit;
      copy32(hb, 3 + o, change.hash);
      lo = putLeafEntry(lb, lo, change.key, change.value);
    }
    o += 32;
  }
  o += copyBytes(hb, 3 + o, ob, hFrom, hAt);
  lo += copyBytes(lb, lo, ob, lFrom, lAt);

  if (bitmap === 0) return null;
  // A lone leaf moves up: a subtree with one key is that key's leaf.
  if (o === 32 && leafBitmap !== 0) {
    const keyEnd = 2 + ((lb[0]! << 8) | lb[1]!);
    const key = getLatin1(lb, 2, keyEnd);
    return {
      key,
      value: getLatin1(lb, keyEnd + 4, lo),
      // Only after deletes; the key's hash is not kept in the node (node.ts).
      keyHash: sha256(fromLatin1(key)),
      hash: getLatin1(hb, 3, 35),
    };
  }
  writeRecord(arena, bitmap, leafBitmap, n, lo);
  hb[0] = 0x01;
  hb[1] = bitmap >>> 8;
  hb[2] = bitmap & 0xff;
  const hash = sha256(hb.subarray(0, 3 + o));
  return storeNode(bitmap, leafBitmap, hb, 3, kids, kidVersions, lb, lo, hash, PENDING);
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
      l = leafEntryEnd(lb, l);
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
