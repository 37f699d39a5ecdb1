/**
 * Applying a block's changes to the tree. Updates copy the path they touch (the old tree
 * stays intact), so the same code serves `workingRoot()` (a dry run) and `commit()`.
 * Only dirty paths are rebuilt and each rebuilt internal node is hashed once.
 */

import { PENDING, childAt, isNode, makeNode, nibble, rebuildNode } from "./node.js";
import type { Hash, LeafRef, TreeNode, Node } from "./node.js";
import { nodeKey } from "./keys.js";
import { encodeNode } from "./record.js";

/** One key's change: `leaf` is the key's new leaf, or undefined for a delete. */
export interface TreeOp {
  /** The key, latin1. */
  readonly key: string;
  readonly keyHash: Hash;
  readonly leaf: LeafRef | undefined;
}

/** A stored node that the new tree no longer uses. */
export interface StaleNode {
  readonly version: number;
  readonly depth: number;
  /** Any key hash under the node: its first `depth` nibbles are the node's path. */
  readonly keyHash: Hash;
}

export interface TreeUpdate {
  readonly root: TreeNode | null;
  /** The ops, sorted by key hash. */
  readonly ops: readonly TreeOp[];
  readonly stale: readonly StaleNode[];
}

function byKeyHash(a: TreeOp, b: TreeOp): number {
  return a.keyHash < b.keyHash ? -1 : a.keyHash > b.keyHash ? 1 : 0;
}

/** Ops must have distinct key hashes; they are sorted here. */
export function updateTree(root: TreeNode | null, ops: TreeOp[]): TreeUpdate {
  ops.sort(byKeyHash);
  const stale: StaleNode[] = [];
  const changesByDepth: (TreeNode | null | undefined)[][] = [];

  const build = (depth: number, leaves: LeafRef[]): TreeNode | null => {
    if (leaves.length === 0) return null;
    if (leaves.length === 1) return leaves[0]!;
    const groups: (LeafRef[] | undefined)[] = new Array<LeafRef[] | undefined>(16).fill(undefined);
    for (const l of leaves) (groups[nibble(l.keyHash, depth)] ??= []).push(l);
    const children: (TreeNode | null)[] = new Array<TreeNode | null>(16).fill(null);
    for (let i = 0; i < 16; i++) {
      const g = groups[i];
      if (g) children[i] = build(depth + 1, g);
    }
    return makeNode(children);
  };

  const apply = (node: TreeNode | null, depth: number, lo: number, hi: number): TreeNode | null => {
    if (lo >= hi) return node;
    if (node === null || !isNode(node)) {
      const leaves: LeafRef[] = [];
      let touched = false;
      for (let i = lo; i < hi; i++) {
        const op = ops[i]!;
        if (node !== null && op.keyHash === node.keyHash) touched = true;
        if (op.leaf !== undefined) leaves.push(op.leaf);
      }
      if (node !== null && !touched) {
        // Deleting absent keys next to a leaf leaves it as it is.
        if (leaves.length === 0) return node;
        leaves.push(node);
      }
      return build(depth, leaves);
    }
    // One changes array per depth: a node's children are rebuilt (at depth + 1) before it is.
    const changes = (changesByDepth[depth] ??= new Array<TreeNode | null | undefined>(16)).fill(undefined);
    let changed = false;
    for (let i = lo; i < hi;) {
      const n = nibble(ops[i]!.keyHash, depth);
      let j = i + 1;
      while (j < hi && nibble(ops[j]!.keyHash, depth) === n) j++;
      const before = childAt(node, n);
      const after = apply(before, depth + 1, i, j);
      if (
        after !== before &&
        !(before !== null && after !== null && !isNode(before) && !isNode(after) && sameLeaf(before, after))
      ) {
        changes[n] = after;
        changed = true;
      }
      i = j;
    }
    if (!changed) return node;
    if (node.version !== PENDING) stale.push({ version: node.version, depth, keyHash: ops[lo]!.keyHash });
    return rebuildNode(node, changes);
  };

  return { root: apply(root, 0, 0, ops.length), ops, stale };
}

/** childAt builds a fresh LeafRef for an untouched leaf: equal fields mean no change. */
function sameLeaf(a: LeafRef, b: LeafRef): boolean {
  return a.key === b.key && a.hash === b.hash && a.value === b.value;
}

/** Gives every new node of `root` the version and emits (node key, record). */
export function persistNewNodes(
  root: TreeNode | null,
  version: number,
  emit: (key: Uint8Array, value: Uint8Array) => void,
): void {
  const visit = (node: Node, depth: number): void => {
    for (const ref of node.refs) if (typeof ref !== "string" && ref.version === PENDING) visit(ref, depth + 1);
    node.version = version;
    emit(nodeKey(version, depth, anyKeyHash(node)), encodeNode(node));
  };
  if (root !== null && isNode(root) && root.version === PENDING) visit(root, 0);
}

/** Some key hash in the subtree, to name the subtree's path. */
export function anyKeyHash(node: Node): Hash {
  let n = node;
  while (n.leafBitmap === 0) n = n.refs[0] as Node;
  return n.keyHashes.slice(0, 32);
}
