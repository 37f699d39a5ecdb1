/**
 * Applying a block's changes to the tree. Updates copy the path they touch (the old tree
 * stays intact), so the same code serves `workingRoot()` (a dry run) and `commit()`.
 * Only dirty paths are rebuilt and each rebuilt internal node is hashed once.
 */

import { Internal, Leaf, PENDING, encodeNode, makeInternal, makeLeaf, nibble } from "./node.js";
import type { Hash, TreeNode } from "./node.js";
import { nodeKey } from "./keys.js";

/** One key's change; `value` undefined deletes. */
export interface TreeOp {
  readonly key: Uint8Array;
  readonly keyHash: Hash;
  readonly value: Uint8Array | undefined;
  readonly valueHash: Hash | undefined;
  /** Filled in by the update: the version of the value this op replaces (PENDING if the key was absent). */
  prevValueVersion: number;
}

/** A node position that the new tree no longer uses. */
export interface StaleNode {
  readonly version: number;
  readonly depth: number;
  readonly keyHash: Hash;
}

export interface TreeUpdate {
  readonly root: TreeNode | null;
  readonly ops: readonly TreeOp[];
  readonly stale: readonly StaleNode[];
}

/** Ops must have distinct key hashes; they are sorted here. */
export function updateTree(root: TreeNode | null, ops: TreeOp[]): TreeUpdate {
  ops.sort((a, b) => (a.keyHash < b.keyHash ? -1 : a.keyHash > b.keyHash ? 1 : 0));
  const stale: StaleNode[] = [];

  const markStale = (node: TreeNode, depth: number, keyHash: Hash): void => {
    if (node.version !== PENDING) stale.push({ version: node.version, depth, keyHash });
  };

  // A persisted leaf that changes position is stored again at the new one.
  const relocate = (leaf: Leaf, fromDepth: number): Leaf => {
    if (leaf.version === PENDING) return leaf;
    markStale(leaf, fromDepth, leaf.keyHash);
    return new Leaf(leaf.keyHash, leaf.valueHash, leaf.hash, PENDING, leaf.valueVersion);
  };

  const leafOf = (op: TreeOp): Leaf => makeLeaf(op.keyHash, op.valueHash!, PENDING);

  const build = (depth: number, leaves: Leaf[]): TreeNode | null => {
    if (leaves.length === 0) return null;
    if (leaves.length === 1) return leaves[0]!;
    const groups: (Leaf[] | undefined)[] = new Array<Leaf[] | undefined>(16).fill(undefined);
    for (const l of leaves) (groups[nibble(l.keyHash, depth)] ??= []).push(l);
    const children: (TreeNode | null)[] = new Array<TreeNode | null>(16).fill(null);
    for (let i = 0; i < 16; i++) {
      const g = groups[i];
      if (g) children[i] = build(depth + 1, g);
    }
    return makeInternal(children);
  };

  const apply = (node: TreeNode | null, depth: number, lo: number, hi: number): TreeNode | null => {
    if (lo >= hi) return node;
    if (node === null) {
      const leaves: Leaf[] = [];
      for (let i = lo; i < hi; i++) if (ops[i]!.value !== undefined) leaves.push(leafOf(ops[i]!));
      return build(depth, leaves);
    }
    if (node instanceof Leaf) {
      const leaves: Leaf[] = [];
      let touched = false;
      for (let i = lo; i < hi; i++) {
        const op = ops[i]!;
        if (op.keyHash === node.keyHash) {
          touched = true;
          op.prevValueVersion = node.valueVersion;
        }
        if (op.value !== undefined) leaves.push(leafOf(op));
      }
      if (!touched && leaves.length === 0) return node;
      markStale(node, depth, node.keyHash);
      if (!touched) leaves.push(new Leaf(node.keyHash, node.valueHash, node.hash, PENDING, node.valueVersion));
      return build(depth, leaves);
    }
    const children = node.children.slice();
    let changed = false;
    for (let i = lo; i < hi; ) {
      const n = nibble(ops[i]!.keyHash, depth);
      let j = i + 1;
      while (j < hi && nibble(ops[j]!.keyHash, depth) === n) j++;
      const before = children[n] ?? null;
      const after = apply(before, depth + 1, i, j);
      if (after !== before) {
        children[n] = after;
        changed = true;
      }
      i = j;
    }
    if (!changed) return node;
    markStale(node, depth, ops[lo]!.keyHash);
    let count = 0;
    let only: TreeNode | null = null;
    for (const c of children) {
      if (c) {
        count++;
        only = c;
      }
    }
    if (count === 0) return null;
    // A lone leaf moves up: a subtree with one key is that key's leaf.
    if (count === 1 && only instanceof Leaf) return relocate(only, depth + 1);
    return makeInternal(children);
  };

  return { root: apply(root, 0, 0, ops.length), ops, stale };
}

/** Gives every new node of `root` the version and emits (node key, encoded node), children first. */
export function persistNewNodes(root: TreeNode | null, version: number, emit: (key: Uint8Array, value: Uint8Array) => void): void {
  // Returns some key hash under the node, which names the node's path.
  const visit = (node: TreeNode, depth: number): Hash => {
    if (node instanceof Leaf) {
      if (node.version === PENDING) {
        node.version = version;
        if (node.valueVersion === PENDING) node.valueVersion = version;
        emit(nodeKey(version, depth, node.keyHash), encodeNode(node));
      }
      return node.keyHash;
    }
    let pathSource: Hash | undefined;
    for (const c of node.children) {
      if (!c) continue;
      if (c.version === PENDING) {
        const kh = visit(c, depth + 1);
        pathSource ??= kh;
      } else {
        pathSource ??= anyKeyHash(c);
      }
    }
    node.version = version;
    emit(nodeKey(version, depth, pathSource!), encodeNode(node));
    return pathSource!;
  };
  if (root && root.version === PENDING) visit(root, 0);
}

/** Some key hash in the subtree, to name the subtree's path. */
function anyKeyHash(node: TreeNode): Hash {
  let n: TreeNode = node;
  while (n instanceof Internal) n = n.children.find((c) => c !== null && c !== undefined)!;
  return n.keyHash;
}
