/**
 * Reading the tree back from the Database: the latest tree into memory at open, and the
 * path to one key at a past version for `getAt`.
 */

import type { Database } from "../types.js";
import { storeErrors } from "../errors.js";
import { Internal, Leaf, PENDING, decodeNode, leafHash, nibble, sha256 } from "./node.js";
import type { ChildRef, Hash, TreeNode } from "./node.js";
import { PREFIX_LATEST, decodeRootRecord, nodeKey, readVersion, rootKey } from "./keys.js";
import type { RootRecord } from "./keys.js";
import type { ProofLevel, ProofPath } from "./proof.js";

const GET_MANY_CHUNK = 4096;

/** The root record in force at `version` (the last commit at or before it). */
export async function readRoot(db: Database, version: number): Promise<RootRecord | null> {
  for await (const [, value] of db.iterate({ start: rootKey(0), end: rootKey(version + 1), reverse: true, limit: 1 })) {
    const root = decodeRootRecord(value);
    if (root === undefined) throw storeErrors.corrupted(`bad root record at or before version ${version}`);
    return root;
  }
  return null;
}

/** A leaf whose key and value hashes come from the latest-values table, filled in by `attachLatestValue`. */
const UNKNOWN: Hash = "";

/**
 * Loads the internal nodes of a committed tree level by level (leaves are not read: the
 * latest-values table gives their keys and values), returning the root.
 */
export async function loadTree(db: Database, root: RootRecord | null): Promise<TreeNode | null> {
  if (root === null) return null;
  if (root.isLeaf) return new Leaf(UNKNOWN, UNKNOWN, root.hash, root.version, PENDING);
  type Slot = { parent: Internal | null; index: number; depth: number; path: string; ref: ChildRef };
  let rootNode: TreeNode | null = null;
  let frontier: Slot[] = [{ parent: null, index: 0, depth: 0, path: EMPTY_PATH, ref: root }];
  while (frontier.length > 0) {
    const next: Slot[] = [];
    for (let c = 0; c < frontier.length; c += GET_MANY_CHUNK) {
      const chunk = frontier.slice(c, c + GET_MANY_CHUNK);
      const values = await db.getMany(chunk.map((s) => nodeKey(s.ref.version, s.depth, s.path)));
      chunk.forEach((slot, k) => {
        const decoded = values[k] === undefined ? undefined : decodeNode(values[k]!);
        if (decoded?.kind !== "internal") throw storeErrors.corrupted(`missing internal node at version ${slot.ref.version} depth ${slot.depth}`);
        const node = new Internal(new Array<TreeNode | null>(16).fill(null), slot.ref.hash, slot.ref.version);
        for (let i = 0; i < 16; i++) {
          const ref = decoded.children[i];
          if (!ref) continue;
          if (ref.isLeaf) {
            node.children[i] = new Leaf(UNKNOWN, UNKNOWN, ref.hash, ref.version, PENDING);
          } else {
            next.push({ parent: node, index: i, depth: slot.depth + 1, path: withNibble(slot.path, slot.depth, i), ref });
          }
        }
        if (slot.parent === null) rootNode = node;
        else slot.parent.children[slot.index] = node;
      });
    }
    frontier = next;
  }
  return rootNode;
}

/**
 * Puts a latest (key, value) into its placeholder leaf, checking it against the stored
 * leaf hash. Returns the root (replaced when the root itself is that leaf).
 */
export function attachLatestValue(root: TreeNode | null, keyHash: Hash, value: Uint8Array, valueVersion: number): TreeNode {
  const valueHash = sha256(value);
  const fill = (leaf: Leaf): Leaf => {
    if (leaf.keyHash !== UNKNOWN || leaf.hash !== leafHash(keyHash, valueHash)) {
      throw storeErrors.corrupted("latest value does not match the committed tree");
    }
    return new Leaf(keyHash, valueHash, leaf.hash, leaf.version, valueVersion);
  };
  if (root instanceof Leaf) return fill(root);
  let node: TreeNode | null | undefined = root;
  for (let depth = 0; node instanceof Internal; depth++) {
    const n = nibble(keyHash, depth);
    const child: TreeNode | null | undefined = node.children[n];
    if (child instanceof Leaf) {
      node.children[n] = fill(child);
      return root!;
    }
    node = child;
  }
  throw storeErrors.corrupted("latest value has no leaf in the committed tree");
}

/** True when every leaf got its value (no latest value is missing). */
export function allLeavesKnown(root: TreeNode | null): boolean {
  if (root === null) return true;
  if (root instanceof Leaf) return root.keyHash !== UNKNOWN;
  return root.children.every((c) => c === null || c === undefined || allLeavesKnown(c));
}

/** The proof path to `keyHash` in the tree committed with this root record, read from disk. */
export async function proveFromDb(db: Database, root: RootRecord | null, keyHash: Hash): Promise<ProofPath> {
  const levels: ProofLevel[] = [];
  if (root === null) return { levels, terminal: { kind: "empty" } };
  let ref: ChildRef = root;
  for (let depth = 0; ; depth++) {
    const bytes = await db.get(nodeKey(ref.version, depth, keyHash));
    const node = bytes === undefined ? undefined : decodeNode(bytes);
    if (node === undefined) throw storeErrors.corrupted(`missing tree node at version ${ref.version} depth ${depth}`);
    if (node.kind === "leaf") {
      return node.keyHash === keyHash
        ? { levels, terminal: { kind: "own", valueHash: node.valueHash } }
        : { levels, terminal: { kind: "other", keyHash: node.keyHash, valueHash: node.valueHash } };
    }
    const n = nibble(keyHash, depth);
    const siblings: Hash[] = [];
    node.children.forEach((c, i) => {
      if (c && i !== n) siblings.push(c.hash);
    });
    levels.push({ bitmap: node.bitmap, siblings });
    const child = node.children[n];
    if (child === undefined) return { levels, terminal: { kind: "empty" } };
    ref = child;
  }
}

/** Iterates the latest-values table: (key, valueVersion, value). */
export async function* latestValues(db: Database): AsyncGenerator<[Uint8Array, number, Uint8Array]> {
  for await (const [k, v] of db.iterate({ start: Uint8Array.of(PREFIX_LATEST), end: Uint8Array.of(PREFIX_LATEST + 1) })) {
    yield [k.subarray(1), readVersion(v), v.subarray(8)];
  }
}

/** A node path as a key-hash-shaped latin1 string (only the first `depth` nibbles matter). */
const EMPTY_PATH = "\0".repeat(32);

function withNibble(path: string, depth: number, n: number): string {
  const i = depth >> 1;
  const old = path.charCodeAt(i);
  const byte = depth & 1 ? (old & 0xf0) | n : (old & 0x0f) | (n << 4);
  return path.slice(0, i) + String.fromCharCode(byte) + path.slice(i + 1);
}
