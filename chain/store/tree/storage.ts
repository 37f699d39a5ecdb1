/**
 * Reading the tree back from the Database: the latest tree and values into memory at
 * open, and the path to one key at a past version for `getAt`.
 */

import type { Database } from "../types.js";
import { storeErrors } from "../errors.js";
import type { MemoryKV } from "../memoryKv.js";
import { getLatin1, leafHash, nibble, putLatin1, setInternalChild, sha256, storeNode } from "./node.js";
import type { Hash, Node, TreeNode } from "./node.js";
import { nodeKey, readVersion, rootKey } from "./keys.js";
import { decodeNode, decodeRootRecord, leafEntryAt, leafRefOf } from "./record.js";
import type { RootRecord } from "./record.js";
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

interface Slot {
  /** The parent, whose internal child `index` this node is (null for the root). */
  readonly parent: Node | null;
  readonly index: number;
  readonly depth: number;
  readonly path: Hash;
  readonly version: number;
  readonly hash: Hash;
}

/** The internal-hash preimage of the node being decoded: 0x01 || bitmap u16 || child hashes. */
const hashBuf = Buffer.allocUnsafeSlow(3 + 32 * 16);

/**
 * Loads the latest tree level by level, putting every leaf's (key, value) into `values`,
 * and returns the root. Every leaf hash is recomputed from its key and value and every
 * node's hash from its children's, and checked against the hash its parent (or the root
 * record) stored: what opens is exactly the committed root.
 */
export async function loadTree(db: Database, root: RootRecord | null, values: MemoryKV): Promise<TreeNode | null> {
  if (root === null) return null;
  if (root.kind === "leaf") {
    const leaf = leafRefOf(root);
    values.rawSet(leaf.key, leaf.value);
    return leaf;
  }
  let rootNode: Node | null = null;
  let frontier: Slot[] = [
    { parent: null, index: 0, depth: 0, path: root.hash, version: root.version, hash: root.hash },
  ];
  while (frontier.length > 0) {
    const next: Slot[] = [];
    for (let c = 0; c < frontier.length; c += GET_MANY_CHUNK) {
      const chunk = frontier.slice(c, c + GET_MANY_CHUNK);
      const records = await db.getMany(chunk.map((s) => nodeKey(s.version, s.depth, s.path)));
      for (let k = 0; k < chunk.length; k++) {
        const slot = chunk[k]!;
        const bytes = records[k];
        const node = bytes === undefined ? undefined : decodeInto(bytes, slot, values, next);
        if (node === undefined)
          throw storeErrors.corrupted(`missing or bad tree node at version ${slot.version} depth ${slot.depth}`);
        if (slot.parent === null) rootNode = node;
        else setInternalChild(slot.parent, slot.index, node);
      }
    }
    frontier = next;
  }
  return rootNode;
}

/** Leaf entries of the node being decoded (grown for large values). */
let leavesBuf = Buffer.allocUnsafeSlow(64 * 1024);

/** The internal children's versions of the node being decoded (their handles are set as the next level loads). */
const kidVersions: number[] = [];
const NO_KIDS: number[] = new Array<number>(16).fill(0);

/** Decodes one record into a node, its leaves into `values` and its internal children into `next`. */
function decodeInto(bytes: Uint8Array, slot: Slot, values: MemoryKV, next: Slot[]): Node | undefined {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 5 || b[0] !== 0x01) return undefined;
  const bitmap = (b[1]! << 8) | b[2]!;
  const leafBitmap = (b[3]! << 8) | b[4]!;
  if ((leafBitmap & ~bitmap) !== 0) return undefined;
  if (b.length > leavesBuf.length) leavesBuf = Buffer.allocUnsafeSlow(Math.max(b.length, 2 * leavesBuf.length));
  const kids: { version: number; hash: Hash; index: number; nibble: number }[] = [];
  let o = 5;
  let r = 0;
  let lo = 0;
  for (let i = 0; i < 16; i++) {
    if (!(bitmap & (1 << i))) continue;
    if (leafBitmap & (1 << i)) {
      const at = leafEntryAt(b, o, b.length);
      if (at === undefined) return undefined;
      const keyBytes = b.subarray(o + 2, at.keyEnd);
      const valueBytes = b.subarray(at.keyEnd + 4, at.valueEnd);
      putLatin1(hashBuf, leafHash(sha256(keyBytes), sha256(valueBytes)), 3 + r * 32);
      values.rawSet(getLatin1(b, o + 2, at.keyEnd), getLatin1(b, at.keyEnd + 4, at.valueEnd));
      lo += b.copy(leavesBuf, lo, o, at.valueEnd);
      o = at.valueEnd;
    } else {
      if (o + 40 > b.length) return undefined;
      b.copy(hashBuf, 3 + r * 32, o + 8, o + 40);
      const version = readVersion(b, o);
      kidVersions[kids.length] = version;
      kids.push({ version, hash: getLatin1(b, o + 8, o + 40), index: kids.length, nibble: i });
      o += 40;
    }
    r++;
  }
  if (o !== b.length || r === 0) return undefined;
  hashBuf[0] = 0x01;
  hashBuf[1] = bitmap >>> 8;
  hashBuf[2] = bitmap & 0xff;
  if (sha256(hashBuf.subarray(0, 3 + r * 32)) !== slot.hash) return undefined;
  const node = storeNode(bitmap, leafBitmap, hashBuf, 3, NO_KIDS, kidVersions, leavesBuf, lo, slot.hash, slot.version);
  for (const k of kids) {
    next.push({
      parent: node,
      index: k.index,
      depth: slot.depth + 1,
      path: withNibble(slot.path, slot.depth, k.nibble),
      version: k.version,
      hash: k.hash,
    });
  }
  return node;
}

/** The proof path to `keyHash` in the tree committed with this root record, read from disk, with the key's value if present. */
export async function proveFromDb(
  db: Database,
  root: RootRecord | null,
  keyHash: Hash,
): Promise<{ path: ProofPath; value: Uint8Array | undefined }> {
  const levels: ProofLevel[] = [];
  if (root === null) return { path: { levels, terminal: { kind: "empty" } }, value: undefined };
  let leaf = root.kind === "leaf" ? root : undefined;
  let version = root.kind === "internal" ? root.version : 0;
  for (let depth = 0; leaf === undefined; depth++) {
    const bytes = await db.get(nodeKey(version, depth, keyHash));
    const node = bytes === undefined ? undefined : decodeNode(bytes);
    if (node === undefined) throw storeErrors.corrupted(`missing tree node at version ${version} depth ${depth}`);
    const n = nibble(keyHash, depth);
    const siblings: Hash[] = [];
    node.children.forEach((c, i) => {
      if (c && i !== n) siblings.push(c.hash);
    });
    levels.push({ bitmap: node.bitmap, siblings });
    const child = node.children[n];
    if (child === undefined) return { path: { levels, terminal: { kind: "empty" } }, value: undefined };
    if (child.kind === "leaf") leaf = child;
    else version = child.version;
  }
  const valueHash = sha256(leaf.value);
  if (leaf.keyHash !== keyHash)
    return { path: { levels, terminal: { kind: "other", keyHash: leaf.keyHash, valueHash } }, value: undefined };
  return { path: { levels, terminal: { kind: "own", valueHash } }, value: new Uint8Array(leaf.value) };
}

/** A node path as a key-hash-shaped latin1 string (only the first `depth` nibbles matter). */
function withNibble(path: string, depth: number, n: number): string {
  const i = depth >> 1;
  const old = path.charCodeAt(i);
  const byte = depth & 1 ? (old & 0xf0) | n : (old & 0x0f) | (n << 4);
  return path.slice(0, i) + String.fromCharCode(byte) + path.slice(i + 1);
}
