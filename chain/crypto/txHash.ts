/**
 * A tx's sha256 (its CometBFT hash), computed once per bytes object. A tx passes through the
 * node as the same Uint8Array from the RPC call or the peer's message to the mempool, the
 * block and the index, and each step wanted its hash: ~13 sha256 of the same bytes a tx
 * (~1-2 µs each here), where a lookup costs ~0.05 µs. Keyed weakly, so an entry goes with its
 * tx; a tx's bytes are never changed once received (the mempool and blocks hold them as they
 * came). The hash returned is shared: callers copy it, never write to it.
 */
import { sha256 } from "./hash.js";

const hashes = new WeakMap<Uint8Array, Uint8Array>();

export function txHash(tx: Uint8Array): Uint8Array {
  let hash = hashes.get(tx);
  if (hash === undefined) {
    hash = sha256(tx);
    hashes.set(tx, hash);
  }
  return hash;
}
