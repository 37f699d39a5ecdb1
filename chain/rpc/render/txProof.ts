/**
 * The Merkle proof `tx` and `tx_search` return with `prove=true`: CometBFT's TxProof, an
 * RFC 6962 proof that sha256(tx) is a leaf of the block's data hash.
 */
import { sha256 } from "../../crypto/hash.js";
import { toBase64 } from "../../types/bytes.js";
import { hexUpper, int64 } from "./encoding.js";

const leafHash = (leaf: Uint8Array): Uint8Array => sha256(Uint8Array.of(0), leaf);
const innerHash = (left: Uint8Array, right: Uint8Array): Uint8Array => sha256(Uint8Array.of(1), left, right);

/** Largest power of two strictly less than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function rootOf(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leafHash(leaves[0]!);
  const k = splitPoint(leaves.length);
  return innerHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

/** Sibling hashes from the leaf up to the root, the order CometBFT's `Proof.Aunts` uses. */
function auntsOf(leaves: Uint8Array[], index: number): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const k = splitPoint(leaves.length);
  if (index < k) return [...auntsOf(leaves.slice(0, k), index), rootOf(leaves.slice(k))];
  return [...auntsOf(leaves.slice(k), index - k), rootOf(leaves.slice(0, k))];
}

export function txProofJson(txs: Uint8Array[], index: number) {
  const leaves = txs.map((tx) => sha256(tx));
  const tx = txs[index] ?? new Uint8Array();
  return {
    root_hash: hexUpper(rootOf(leaves)),
    data: toBase64(tx),
    proof: {
      total: int64(leaves.length),
      index: int64(index),
      leaf_hash: toBase64(leafHash(leaves[index] ?? new Uint8Array())),
      aunts: auntsOf(leaves, index).map(toBase64),
    },
  };
}
