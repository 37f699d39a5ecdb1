/**
 * Whether 32 bytes are an ed25519 public key as key generation makes them: the canonical
 * encoding (RFC 8032) of a point of the prime-order subgroup. OpenSSL's verification, which
 * consensus uses, is cofactorless and accepts small-order keys: under the identity point as
 * a key, (R = identity, S = 0) verifies for every message, so anyone could sign for such a
 * validator. Pure JavaScript (noble), so every node decides alike.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { ED25519_PUBKEY_LENGTH } from "./ed25519.js";

export function isPrimeOrderEd25519Key(pubKey: Uint8Array): boolean {
  if (pubKey.length !== ED25519_PUBKEY_LENGTH) return false;
  try {
    const p = ed25519.Point.fromBytes(pubKey, false);
    return !p.isSmallOrder() && p.isTorsionFree();
  } catch {
    return false;
  }
}
