/**
 * ed25519 through node:crypto (OpenSSL) and libsodium: consensus signing, verification, and CometBFT
 * addresses. Building a KeyObject costs about as much as a verify, so keys seen before
 * (session keys, validators) are cached, and so are signatures verified before.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { createRequire } from "node:module";
import { sha256 } from "./hash.js";
import { evictOldest } from "../types/evictOldest.js";
import { latin1 } from "../types/bytes.js";

export const ED25519_PUBKEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

/** DER SubjectPublicKeyInfo prefix for a raw 32-byte ed25519 key (RFC 8410). */
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const MAX_CACHED_KEYS = 10_000;
const keyCache = new Map<string, KeyObject>();

function keyObject(pubkey: Uint8Array): KeyObject {
  const id = latin1(pubkey);
  let key = keyCache.get(id);
  if (key === undefined) {
    const der = new Uint8Array(SPKI_PREFIX.length + ED25519_PUBKEY_LENGTH);
    der.set(SPKI_PREFIX);
    der.set(pubkey, SPKI_PREFIX.length);
    key = createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" });
    // Oldest-first eviction keeps memory bounded.
    keyCache.set(id, key);
    evictOldest(keyCache, MAX_CACHED_KEYS);
  }
  return key;
}

/** OpenSSL's verdict: the acceptance set every consensus and state-machine check uses. */
function verifyOpenSsl(pubkey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, message, keyObject(pubkey), signature);
  } catch {
    return false;
  }
}

/**
 * Signatures verified before, by sha256(pubkey || signature || message): a block's LastCommit
 * holds the precommits this node verified as they arrived, and is verified again when the
 * block is checked and executed. Only a success is remembered, so an answer from here is
 * the answer verification gives (sha256 is collision resistant); bounded, oldest first out.
 */
const MAX_VERIFIED = 4_096;
const verified = new Set<string>();

/**
 * Verifies an ed25519 signature over `message` as OpenSSL does; false (never throws) for
 * malformed input.
 *
 * libsodium is asked first (41 us against OpenSSL's 96 us here, 2026-12-04) and OpenSSL
 * only when libsodium refuses. libsodium accepts a subset of what OpenSSL accepts: both
 * check S < L and compare the encoding of [S]B - [k]A with R for the same k; libsodium also
 * refuses small-order and non-canonical keys and small-order R, which OpenSSL may accept
 * (see `verifyEd25519Strict`). So "libsodium, else OpenSSL" accepts exactly what OpenSSL
 * accepts, at libsodium's cost for every signature an honest signer makes; a bad signature
 * costs both. Where the addon does not load, OpenSSL alone.
 */
export function verifyEd25519(pubkey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (pubkey.length !== ED25519_PUBKEY_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  const id = latin1(sha256(pubkey, signature, message));
  if (verified.has(id)) return true;
  if (!(sodiumVerify(pubkey, message, signature) || verifyOpenSsl(pubkey, message, signature))) return false;
  verified.add(id);
  evictOldest(verified, MAX_VERIFIED);
  return true;
}

function sodiumVerify(pubkey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const lib = loadSodium();
  if (lib === null) return false;
  try {
    return lib.crypto_sign_verify_detached(signature, message, pubkey);
  } catch {
    return false;
  }
}

/**
 * libsodium alone where it loads (OpenSSL where it does not), with no fallback and no memo.
 * libsodium accepts a subset of what OpenSSL accepts (it also refuses small-order and
 * non-canonical public keys and small-order R), so it is for checks a node makes for itself,
 * the same on every node, never for what the state machine or consensus decide: a relayed
 * receipt, whose sender an honest signer never gives such a key, and whose bad signature
 * then costs one check, not two. Every honestly made signature verifies under both.
 */
export function verifyEd25519Strict(pubkey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (pubkey.length !== ED25519_PUBKEY_LENGTH || signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  if (loadSodium() === null) return verifyOpenSsl(pubkey, message, signature);
  return sodiumVerify(pubkey, message, signature);
}

/** DER PKCS#8 prefix for a raw 32-byte ed25519 seed (RFC 8410). */
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export interface Ed25519Signer {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

interface SodiumSign {
  crypto_sign_seed_keypair(pk: Uint8Array, sk: Uint8Array, seed: Uint8Array): void;
  crypto_sign_detached(sig: Uint8Array, msg: Uint8Array, sk: Uint8Array): void;
  crypto_sign_verify_detached(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean;
}

let sodium: SodiumSign | null | undefined;

/** libsodium (sodium-native's prebuilt addon), loaded on first use so that CLI commands that never sign do not pay for it. */
function loadSodium(): SodiumSign | null {
  if (sodium === undefined) {
    try {
      sodium = createRequire(import.meta.url)("sodium-native") as SodiumSign;
    } catch {
      sodium = null;
    }
  }
  return sodium;
}

/**
 * A signer over a 32-byte seed. ed25519 signatures are deterministic (RFC 8032), so
 * libsodium and OpenSSL give the same bytes; libsodium signs in about half the time
 * (13 against 28 us here), which matters for a sequencer signing a receipt per tx.
 * node:crypto is the fallback where the addon does not load.
 */
export function createEd25519Signer(seed: Uint8Array): Ed25519Signer {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(key).export({ format: "der", type: "spki" });
  const publicKey = new Uint8Array(spki.subarray(spki.length - ED25519_PUBKEY_LENGTH));
  const lib = loadSodium();
  if (lib === null) return { publicKey, sign: (m) => new Uint8Array(sign(null, m, key)) };
  const pk = new Uint8Array(ED25519_PUBKEY_LENGTH);
  const sk = new Uint8Array(64);
  lib.crypto_sign_seed_keypair(pk, sk, seed);
  return {
    publicKey,
    sign: (m) => {
      const sig = new Uint8Array(ED25519_SIGNATURE_LENGTH);
      lib.crypto_sign_detached(sig, m, sk);
      return sig;
    },
  };
}

/** Addresses of keys seen before (validators, sequencers): every relayed receipt and block hook asks again. */
const addressCache = new Map<string, Uint8Array>();

/** CometBFT's address of an ed25519 key: sha256(pub)[:20]. A new array each call: the caller may keep or change it. */
export function ed25519Address(pubKey: Uint8Array): Uint8Array {
  const id = latin1(pubKey);
  let address = addressCache.get(id);
  if (address === undefined) {
    address = sha256(pubKey).slice(0, 20);
    addressCache.set(id, address);
    evictOldest(addressCache, MAX_CACHED_KEYS);
  }
  return address.slice();
}
