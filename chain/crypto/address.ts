/**
 * Account addresses as Cosmos derives them: ripemd160(sha256(compressed secp256k1 pubkey)),
 * bech32-encoded with the chain's prefix. Module accounts use sha256(name)[:20].
 */
import { hash } from "node:crypto";
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { sdkErrors } from "../types/errors.js";
import { BECH32_PREFIX } from "./bech32Prefix.js";
import { sha256 } from "./hash.js";
import { fromLatin1, latin1 } from "../types/bytes.js";

export { BECH32_PREFIX };
export const ADDRESS_LENGTH = 20;

export function ripemd160(data: Uint8Array): Uint8Array {
  return fromLatin1(hash("ripemd160", data, "binary"));
}

/** The 20 address bytes of a compressed secp256k1 public key. */
export function secp256k1PubKeyToAddressBytes(pubkey: Uint8Array): Uint8Array {
  return ripemd160(sha256(pubkey));
}

/** A module account's address bytes (Cosmos `authtypes.NewModuleAddress`). */
export function moduleAddressBytes(moduleName: string): Uint8Array {
  return sha256(new TextEncoder().encode(moduleName)).subarray(0, ADDRESS_LENGTH);
}

/**
 * Bech32 work (checksum, 5-to-8-bit regrouping) runs several times per tx for the same few
 * addresses, so both directions are memoised for the default prefix. Bounded: cleared
 * when full, which only costs recomputation. Only valid addresses are remembered.
 */
const CACHE_LIMIT = 50_000;
const bytesByAddress = new Map<string, Uint8Array>();
const addressByBytes = new Map<string, string>();

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= CACHE_LIMIT) map.clear();
  map.set(key, value);
}

export function addressToBech32(bytes: Uint8Array, prefix: string = BECH32_PREFIX): string {
  if (prefix !== BECH32_PREFIX) return toBech32(prefix, bytes);
  const id = latin1(bytes);
  let address = addressByBytes.get(id);
  if (address === undefined) {
    address = toBech32(prefix, bytes);
    remember(addressByBytes, id, address);
  }
  return address;
}

/**
 * The cached address bytes: shared, so the caller must not modify them. For key
 * encoding on the hot path; everything else uses bech32ToAddressBytes.
 */
export function addressBytesView(address: string, prefix: string = BECH32_PREFIX): Uint8Array {
  if (prefix !== BECH32_PREFIX) return decodeAddress(address, prefix);
  let bytes = bytesByAddress.get(address);
  if (bytes === undefined) {
    bytes = decodeAddress(address, prefix);
    remember(bytesByAddress, address, bytes);
  }
  return bytes;
}

/** Decodes a bech32 address, checking the prefix and length; throws sdk code 7 saying what is wrong. */
export function bech32ToAddressBytes(address: string, prefix: string = BECH32_PREFIX): Uint8Array {
  return addressBytesView(address, prefix).slice();
}

function decodeAddress(address: string, prefix: string): Uint8Array {
  let decoded: { prefix: string; data: Uint8Array };
  try {
    decoded = fromBech32(address, 90);
  } catch (e) {
    throw sdkErrors.invalidAddress(
      `"${address}" is not valid bech32 (${e instanceof Error ? e.message : "decode error"})`,
    );
  }
  if (decoded.prefix !== prefix) {
    throw sdkErrors.invalidAddress(`"${address}" has prefix "${decoded.prefix}", expected "${prefix}"`);
  }
  if (decoded.data.length !== ADDRESS_LENGTH && decoded.data.length !== 32) {
    throw sdkErrors.invalidAddress(`"${address}" has ${decoded.data.length} bytes, expected 20 or 32`);
  }
  return decoded.data;
}

export function isValidAddress(address: string, prefix: string = BECH32_PREFIX): boolean {
  try {
    bech32ToAddressBytes(address, prefix);
    return true;
  } catch {
    return false;
  }
}

/** Re-encodes to the canonical lower-case form (bech32 accepts all-upper-case too). */
export function normalizeAddress(address: string, prefix: string = BECH32_PREFIX): string {
  return addressToBech32(bech32ToAddressBytes(address, prefix), prefix);
}
