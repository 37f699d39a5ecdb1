/**
 * Proofs of (non-)membership against a root.
 *
 * steps = levels u8 || per internal node on the key's path, root first:
 *           bitmap u16 || hashes of its present children except the one on the path
 *           (the last level of an absence proof ending at an empty slot lists all of them)
 *         || terminal u8: 0 = empty slot (or empty tree), 1 = another key's leaf, followed
 *            by its keyHash(32) || valueHash(32), 2 = the key's own leaf
 */

import type { StateProof } from "../types.js";
import {
  EMPTY_HASH,
  bytesToHash,
  childAt,
  childHashAt,
  internalHash,
  isNode,
  leafHash,
  nibble,
  nodeBitmap,
  popcount16,
  sha256,
} from "./node.js";
import type { Hash, Node, TreeNode } from "./node.js";

export interface ProofLevel {
  readonly bitmap: number;
  /** Present children's hashes except the path child's. */
  readonly siblings: readonly Hash[];
}

export type ProofTerminal =
  | { readonly kind: "empty" }
  | { readonly kind: "other"; readonly keyHash: Hash; readonly valueHash: Hash }
  | { readonly kind: "own"; readonly valueHash: Hash };

export interface ProofPath {
  readonly levels: ProofLevel[];
  readonly terminal: ProofTerminal;
}

export function encodeProofSteps(path: ProofPath): Uint8Array {
  let size = 2;
  for (const l of path.levels) size += 2 + 32 * l.siblings.length;
  if (path.terminal.kind === "other") size += 64;
  const out = Buffer.alloc(size);
  out[0] = path.levels.length;
  let o = 1;
  for (const l of path.levels) {
    out[o] = l.bitmap >>> 8;
    out[o + 1] = l.bitmap & 0xff;
    o += 2;
    for (const h of l.siblings) o += out.write(h, o, 32, "latin1");
  }
  const t = path.terminal;
  out[o++] = t.kind === "empty" ? 0 : t.kind === "other" ? 1 : 2;
  if (t.kind === "other") {
    out.write(t.keyHash, o, 32, "latin1");
    out.write(t.valueHash, o + 32, 32, "latin1");
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** The path to `keyHash` in an in-memory tree. */
export function proveInMemory(root: TreeNode | null, keyHash: Hash): ProofPath {
  const levels: ProofLevel[] = [];
  let node = root;
  for (let depth = 0; ; depth++) {
    if (node === null) return { levels, terminal: { kind: "empty" } };
    if (!isNode(node)) {
      const valueHash = sha256(Buffer.from(node.value, "latin1"));
      return node.keyHash === keyHash
        ? { levels, terminal: { kind: "own", valueHash } }
        : { levels, terminal: { kind: "other", keyHash: node.keyHash, valueHash } };
    }
    const n = nibble(keyHash, depth);
    levels.push(levelOf(node, n));
    node = childAt(node, n);
  }
}

function levelOf(node: Node, onPath: number): ProofLevel {
  const siblings: Hash[] = [];
  const bitmap = nodeBitmap(node);
  let r = 0;
  for (let i = 0; i < 16; i++) {
    if (!(bitmap & (1 << i))) continue;
    if (i !== onPath) siblings.push(childHashAt(node, r));
    r++;
  }
  return { bitmap, siblings };
}

/** Checks a membership or non-membership proof against a root. Malformed proofs are false, never thrown. */
export function verifyProof(root: Uint8Array, proof: StateProof): boolean {
  if (root.length !== 32) return false;
  const keyHash = sha256(proof.key);
  const s = Buffer.from(proof.steps.buffer, proof.steps.byteOffset, proof.steps.byteLength);
  const hashAt = (at: number): Hash => s.toString("latin1", at, at + 32);
  const levelCount = s[0];
  if (levelCount === undefined || levelCount > 64) return false;
  const levels: { bitmap: number; at: number; count: number }[] = [];
  let o = 1;
  for (let i = 0; i < levelCount; i++) {
    if (o + 2 > s.length) return false;
    const bitmap = (s[o]! << 8) | s[o + 1]!;
    const onPath = (bitmap & (1 << nibble(keyHash, i))) !== 0;
    // Only the last level may lack the path child, and only in an absence proof.
    if (!onPath && i !== levelCount - 1) return false;
    const count = popcount16(bitmap) - (onPath ? 1 : 0);
    levels.push({ bitmap, at: o + 2, count });
    o += 2 + 32 * count;
  }
  if (o >= s.length) return false;
  const tag = s[o++];
  const last = levels[levelCount - 1];
  const lastOnPath = last !== undefined && (last.bitmap & (1 << nibble(keyHash, levelCount - 1))) !== 0;
  let h: Hash;
  let from = levelCount - 1;
  if (tag === 2) {
    if (proof.kind !== "exist" || o !== s.length || (last !== undefined && !lastOnPath)) return false;
    h = leafHash(keyHash, sha256(proof.value));
  } else if (tag === 1) {
    if (proof.kind !== "nonexist" || o + 64 !== s.length || (last !== undefined && !lastOnPath)) return false;
    const otherKey = hashAt(o);
    if (otherKey === keyHash) return false;
    for (let d = 0; d < levelCount; d++) if (nibble(otherKey, d) !== nibble(keyHash, d)) return false;
    h = leafHash(otherKey, hashAt(o + 32));
  } else if (tag === 0) {
    if (proof.kind !== "nonexist" || o !== s.length) return false;
    if (last === undefined) return bytesToHash(root) === EMPTY_HASH;
    if (lastOnPath || last.count === 0) return false;
    h = internalHash(last.bitmap, hashesAt(hashAt, last.at, last.count));
    from = levelCount - 2;
  } else {
    return false;
  }
  for (let d = from; d >= 0; d--) {
    const level = levels[d]!;
    const n = nibble(keyHash, d);
    const siblings = hashesAt(hashAt, level.at, level.count);
    const all: Hash[] = [];
    let k = 0;
    for (let i = 0; i < 16; i++) {
      if (!(level.bitmap & (1 << i))) continue;
      all.push(i === n ? h : siblings[k++]!);
    }
    h = internalHash(level.bitmap, all);
  }
  return h === bytesToHash(root);
}

function hashesAt(hashAt: (at: number) => Hash, at: number, count: number): Hash[] {
  const out: Hash[] = [];
  for (let i = 0; i < count; i++) out.push(hashAt(at + 32 * i));
  return out;
}
