/**
 * The node's libp2p identity comes from the ed25519 seed in its node_key.json, so the same
 * key file always gives the same peer id (12D3KooW…, the identity multihash of the key).
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { privateKeyFromRaw } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import type { Ed25519PrivateKey } from "@libp2p/interface";
import { p2pErrors } from "./errors.js";

export function p2pPrivateKey(nodeKeySeed: Uint8Array): Ed25519PrivateKey {
  if (!(nodeKeySeed instanceof Uint8Array) || nodeKeySeed.length !== 32) {
    throw p2pErrors.invalidNodeKey(`got ${nodeKeySeed?.length ?? 0} bytes`);
  }
  // libp2p's raw ed25519 private key is seed || public key, like CometBFT's.
  const raw = new Uint8Array(64);
  raw.set(nodeKeySeed, 0);
  raw.set(ed25519.getPublicKey(nodeKeySeed), 32);
  return privateKeyFromRaw(raw) as Ed25519PrivateKey;
}

/** The libp2p peer id of a node key seed: deterministic, no I/O. */
export function p2pPeerId(nodeKeySeed: Uint8Array): string {
  return peerIdFromPrivateKey(p2pPrivateKey(nodeKeySeed)).toString();
}
