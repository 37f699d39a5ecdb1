/** ed25519 signing and verification through node:crypto, with KeyObjects cached per key. */
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from "node:crypto";
import { toHex } from "../types/bytes.js";

const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const publicKeys = new Map<string, KeyObject>();

export interface Ed25519Signer {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export function createEd25519Signer(seed: Uint8Array): Ed25519Signer {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(key).export({ format: "der", type: "spki" });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return { publicKey, sign: (m) => new Uint8Array(nodeSign(null, m, key)) };
}

function publicKeyObject(pubKey: Uint8Array): KeyObject {
  const id = toHex(pubKey);
  let k = publicKeys.get(id);
  if (k === undefined) {
    k = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pubKey]), format: "der", type: "spki" });
    if (publicKeys.size > 10_000) publicKeys.clear();
    publicKeys.set(id, k);
  }
  return k;
}

export function verifyEd25519(pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (pubKey.length !== 32 || signature.length !== 64) return false;
  return nodeVerify(null, message, publicKeyObject(pubKey), signature);
}
