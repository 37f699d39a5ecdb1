/**
 * The exit tree: each account's equity at a checkpoint, payable on L1 in exit mode. The
 * leaves never sum to more than the bridged supply (what the contract holds for accounts
 * on Strike): when the equities exceed it, every equity is cut pro rata, rounding down.
 * docs/exit-root.md has the argument.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bech32ToAddressBytes } from "../../chain/crypto/address.js";
import { compareBytes } from "../../chain/types/bytes.js";
import { exitLeafHash, merkleProofOf, merkleRootOf } from "./merkleTree.js";

export interface ExitEntry {
  account: string;
  /** 20-byte L1 address paid. */
  recipient: Uint8Array;
  equity: bigint;
}

/** The Ethereum address of a secp256k1 key: keccak256 of the uncompressed point, last 20 bytes. */
export function ethAddressOfPubKey(pubKey: Uint8Array): Uint8Array {
  const uncompressed = secp256k1.Point.fromBytes(pubKey).toBytes(false);
  return keccak_256(uncompressed.subarray(1)).subarray(12);
}

/** Cuts equities pro rata so that they sum to at most `budget`; unchanged when they already do. */
export function allocateExitEquities(entries: readonly ExitEntry[], budget: bigint): ExitEntry[] {
  const total = entries.reduce((s, e) => s + e.equity, 0n);
  if (total <= budget) return [...entries];
  const cap = budget < 0n ? 0n : budget;
  return entries.map((e) => ({ ...e, equity: (e.equity * cap) / total }));
}

/** Leaves in account-byte order, zero equities left out (nothing to claim). */
export function exitLeaves(entries: readonly ExitEntry[]): { entry: ExitEntry; leaf: Uint8Array }[] {
  return entries
    .filter((e) => e.equity > 0n)
    .map((e) => ({ entry: e, bytes: bech32ToAddressBytes(e.account) }))
    .sort((a, b) => compareBytes(a.bytes, b.bytes))
    .map(({ entry, bytes }) => ({ entry, leaf: exitLeafHash(bytes, entry.recipient, entry.equity) }));
}

export function exitRootOf(entries: readonly ExitEntry[]): Uint8Array {
  return merkleRootOf(exitLeaves(entries).map((l) => l.leaf));
}

export function exitProofOf(
  entries: readonly ExitEntry[],
  account: string,
): { entry: ExitEntry; proof: Uint8Array[] } | undefined {
  const leaves = exitLeaves(entries);
  const i = leaves.findIndex((l) => l.entry.account === account);
  if (i < 0) return undefined;
  return {
    entry: leaves[i]!.entry,
    proof: merkleProofOf(
      leaves.map((l) => l.leaf),
      i,
    ),
  };
}
