/**
 * The withdrawal and exit trees exactly as contracts/MerkleProof.sol checks them (and as
 * chain/l1/merkle.ts builds them off chain): keccak256, sorted pairs, double-hashed leaves,
 * a level's odd node out promoted unchanged, the empty tree's root zero.
 *
 * Such a tree over n leaves is the complete subtrees of n's set bits, left to right, each
 * smaller one hashed into the one above it. So an append-only tree needs only the frontier
 * (the root of the latest complete subtree per set bit): append and root are O(log n).
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { compareBytes, concatBytes } from "../../chain/types/bytes.js";

export const WITHDRAWAL_LEAF = 1;
export const EXIT_LEAF = 2;
export const ZERO_ROOT = new Uint8Array(32);

function word(bytes: Uint8Array, leftAligned: boolean): Uint8Array {
  const out = new Uint8Array(32);
  out.set(bytes, leftAligned ? 0 : 32 - bytes.length);
  return out;
}

function uintWord(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = n;
  for (let i = 31; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

const doubleHash = (encoded: Uint8Array): Uint8Array => keccak_256(keccak_256(encoded));

/** keccak256(keccak256(abi.encode(uint8 1, uint64 id, address recipient, uint256 amount))). */
export function withdrawalLeafHash(id: bigint, recipient: Uint8Array, amount: bigint): Uint8Array {
  return doubleHash(
    concatBytes(uintWord(BigInt(WITHDRAWAL_LEAF)), uintWord(id), word(recipient, false), uintWord(amount)),
  );
}

/** keccak256(keccak256(abi.encode(uint8 2, bytes20 account, address recipient, uint256 equity))); bytes20 is left-aligned. */
export function exitLeafHash(account: Uint8Array, recipient: Uint8Array, equity: bigint): Uint8Array {
  return doubleHash(
    concatBytes(uintWord(BigInt(EXIT_LEAF)), word(account, true), word(recipient, false), uintWord(equity)),
  );
}

export function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  return compareBytes(a, b) < 0 ? keccak_256(concatBytes(a, b)) : keccak_256(concatBytes(b, a));
}

/** frontier[k]: root of the complete subtree of 2^k leaves for set bit k of count (undefined otherwise). */
export interface TreeFrontier {
  count: bigint;
  frontier: (Uint8Array | undefined)[];
}

export function emptyFrontier(): TreeFrontier {
  return { count: 0n, frontier: [] };
}

/**
 * Appends one leaf. Only level `k` (the lowest clear bit of count) changes: the levels below
 * it are cleared bits of the new count and never read again, so the store writes one node.
 */
export function appendLeaf(tree: TreeFrontier, leaf: Uint8Array): { tree: TreeFrontier; level: number } {
  const frontier = [...tree.frontier];
  let node = leaf;
  let k = 0;
  // Carry as in binary addition: each set bit below the first clear one merges upwards.
  while (((tree.count >> BigInt(k)) & 1n) === 1n) {
    node = hashPair(frontier[k]!, node);
    frontier[k] = undefined;
    k++;
  }
  frontier[k] = node;
  return { tree: { count: tree.count + 1n, frontier }, level: k };
}

export function frontierRoot(tree: TreeFrontier): Uint8Array {
  let acc: Uint8Array | undefined;
  for (let k = 0; k < tree.frontier.length; k++) {
    if (((tree.count >> BigInt(k)) & 1n) === 0n) continue;
    const node = tree.frontier[k]!;
    acc = acc === undefined ? node : hashPair(node, acc);
  }
  return acc ?? ZERO_ROOT;
}

function nextLevel(level: readonly Uint8Array[]): Uint8Array[] {
  const up: Uint8Array[] = [];
  for (let i = 0; i < level.length; i += 2) {
    const right = level[i + 1];
    up.push(right === undefined ? level[i]! : hashPair(level[i]!, right));
  }
  return up;
}

/** Root of a whole list of leaves (exit tree, tests). */
export function merkleRootOf(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return ZERO_ROOT;
  let level = [...leaves];
  while (level.length > 1) level = nextLevel(level);
  return level[0]!;
}

/** Siblings from leaf `index` up to the root (a promoted level adds none). */
export function merkleProofOf(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  const proof: Uint8Array[] = [];
  let level = [...leaves];
  let i = index;
  while (level.length > 1) {
    const sibling = level[i ^ 1];
    if (sibling !== undefined) proof.push(sibling);
    level = nextLevel(level);
    i >>= 1;
  }
  return proof;
}
