/**
 * Passphrase encryption for the file keyring and exported keys: scrypt derives a
 * 256-bit key, AES-256-GCM encrypts and authenticates, so a wrong passphrase is detected
 * rather than yielding garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { keyringErrors } from "./errors.js";

export interface ScryptParams {
  n: number;
  r: number;
  p: number;
}

/** 2^15 costs ~32 MiB and ~100 ms: slow for guessing, tolerable per command. */
export const DEFAULT_SCRYPT: ScryptParams = { n: 1 << 15, r: 8, p: 1 };

export interface EncryptedBlob {
  kdf: "scrypt";
  n: number;
  r: number;
  p: number;
  salt: string;
  cipher: "aes-256-gcm";
  iv: string;
  ciphertext: string;
  tag: string;
}

function deriveKey(passphrase: string, salt: Buffer, params: ScryptParams): Buffer {
  return scryptSync(passphrase.normalize("NFKC"), salt, 32, {
    N: params.n,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.n * params.r,
  });
}

export function encryptWithPassphrase(
  plaintext: Uint8Array,
  passphrase: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): EncryptedBlob {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(passphrase, salt, params), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    kdf: "scrypt",
    ...params,
    salt: salt.toString("hex"),
    cipher: "aes-256-gcm",
    iv: iv.toString("hex"),
    ciphertext: ciphertext.toString("hex"),
    tag: cipher.getAuthTag().toString("hex"),
  };
}

export function isEncryptedBlob(v: unknown): v is EncryptedBlob {
  const b = v as Partial<EncryptedBlob> | null;
  return (
    b !== null &&
    typeof b === "object" &&
    b.kdf === "scrypt" &&
    b.cipher === "aes-256-gcm" &&
    [b.n, b.r, b.p].every((x) => typeof x === "number") &&
    [b.salt, b.iv, b.ciphertext, b.tag].every((x) => typeof x === "string")
  );
}

export function decryptWithPassphrase(blob: EncryptedBlob, passphrase: string, what: string): Uint8Array {
  const key = deriveKey(passphrase, Buffer.from(blob.salt, "hex"), blob);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(blob.iv, "hex"));
  decipher.setAuthTag(Buffer.from(blob.tag, "hex"));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(blob.ciphertext, "hex")), decipher.final()]));
  } catch {
    throw keyringErrors.wrongPassphrase(`cannot decrypt ${what}: the passphrase is wrong`);
  }
}

export interface PassphraseHash {
  n: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

/** A verifier of the keyring passphrase, so a mistyped one is refused before any key is written with it. */
export function hashPassphrase(passphrase: string, params: ScryptParams = DEFAULT_SCRYPT): PassphraseHash {
  const salt = randomBytes(16);
  return { ...params, salt: salt.toString("hex"), hash: deriveKey(passphrase, salt, params).toString("hex") };
}

export function checkPassphrase(h: PassphraseHash, passphrase: string): boolean {
  const got = deriveKey(passphrase, Buffer.from(h.salt, "hex"), h);
  const want = Buffer.from(h.hash, "hex");
  return got.length === want.length && timingSafeEqual(got, want);
}
