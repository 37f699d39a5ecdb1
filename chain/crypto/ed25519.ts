/**
 * ed25519 verification through node:crypto (OpenSSL). Building a KeyObject costs about as
 * much as a verify, so keys seen before (session keys, validators) are cached.
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";

export const ED25519_PUBKEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/** DER SubjectPublicKeyInfo prefix for a raw 32-byte ed25519 key (RFC 8410). */
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const MAX_CACHED_KEYS = 10_000;
const keyCache = new Map<string, KeyObject>();

function keyObject(pubkey: Uint8Array): KeyObject {
  const id = Buffer.from(pubkey).toString("hex");
  let key = keyCache.get(id);
  if (key === undefined) {
    const der = new Uint8Array(SPKI_PREFIX.length + ED25519_PUBKEY_LENGTH);
    der.set(SPKI_PREFIX);
    der.set(pubkey, SPKI_PREFIX.length);
    key = createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" });
    // Oldest-first eviction keeps memory bounded; Map iterates in insertion order.
    if (keyCache.size >= MAX_CACHED_KEYS) {
      const oldest = keyCache.keys().next().value;
      if (oldest !== undefined) keyCache.delete(oldest);
    }
    keyCache.set(id, key);
  }
  return key;
}

/** Verifies an ed25519 signature over `message`; false (never throws) for malformed input. */
export function verifyEd25519(pubkey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (pubkey.length !== ED25519_PUBKEY_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  try {
    return verify(null, message, keyObject(pubkey), signature);
  } catch {
    return false;
  }
}
