/**
 * The Merkle trees whose roots Strike checkpoints (withdrawals, exit equities), as
 * contracts/MerkleProof.sol checks them: keccak256, sorted pairs, double-hashed leaves. A
 * level with an odd node out promotes it unchanged; the empty tree's root is zero.
 */
import { AbiCoder, ZeroHash, concat, keccak256 } from "ethers";
import { l1Errors } from "./errors.js";

export const WITHDRAWAL_LEAF = 1;
export const EXIT_LEAF = 2;

export interface Withdrawal {
  id: bigint;
  /** L1 address paid. */
  recipient: string;
  amount: bigint;
}

export interface ExitEquity {
  /** The Strike account's 20 address bytes, 0x hex. */
  account: string;
  /** L1 address paid. */
  recipient: string;
  equity: bigint;
}

const abi = AbiCoder.defaultAbiCoder();

export function withdrawalLeaf(w: Withdrawal): string {
  return keccak256(
    keccak256(abi.encode(["uint8", "uint64", "address", "uint256"], [WITHDRAWAL_LEAF, w.id, w.recipient, w.amount])),
  );
}

export function exitLeaf(e: ExitEquity): string {
  return keccak256(
    keccak256(abi.encode(["uint8", "bytes20", "address", "uint256"], [EXIT_LEAF, e.account, e.recipient, e.equity])),
  );
}

export function hashPair(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

function nextLevel(level: readonly string[]): string[] {
  const up: string[] = [];
  for (let i = 0; i < level.length; i += 2) {
    const right = level[i + 1];
    up.push(right === undefined ? level[i]! : hashPair(level[i]!, right));
  }
  return up;
}

export function merkleRoot(leaves: readonly string[]): string {
  if (leaves.length === 0) return ZeroHash;
  let level = [...leaves];
  while (level.length > 1) level = nextLevel(level);
  return level[0]!;
}

/** The siblings from leaf `index` up to the root (promoted levels add none). */
export function merkleProof(leaves: readonly string[], index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw l1Errors.invalidMerkleRequest(`leaf ${index} of ${leaves.length}`);
  }
  const proof: string[] = [];
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

/** Recomputes the root a proof leads to, as the contract does. */
export function processProof(leaf: string, proof: readonly string[]): string {
  return proof.reduce((node, sibling) => hashPair(node, sibling), leaf);
}
