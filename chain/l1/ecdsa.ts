/**
 * The ECDSA scheme's inputs to EcdsaSettlement, packed as the contract reads them: the
 * validator set (20-byte address, 8-byte power per member) and the signatures blob (member
 * count, set, signer bitmap, 65-byte r || s || v signatures). Validators sign the raw
 * 32-byte digest (no "\x19Ethereum Signed Message" prefix) with their secp256k1 key, low-s.
 */
import { SigningKey, computeAddress, concat, getAddress, keccak256, solidityPacked, toBeHex } from "ethers";
import { l1Errors } from "./errors.js";

export interface EcdsaMember {
  address: string;
  power: bigint;
}

export interface EcdsaSignature {
  v: number;
  r: string;
  s: string;
}

/** Members in the contract's order: ascending address. */
export function sortEcdsaMembers(members: readonly EcdsaMember[]): EcdsaMember[] {
  return [...members].sort((a, b) => {
    const x = BigInt(a.address);
    const y = BigInt(b.address);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** n x (address || uint64 power), in the order given (the contract wants ascending addresses). */
export function encodeEcdsaValidatorSet(members: readonly EcdsaMember[]): string {
  return concat(["0x", ...members.map((m) => solidityPacked(["address", "uint64"], [getAddress(m.address), m.power]))]);
}

/** keccak256 of a set's encoding: the commitment the contract stores (either scheme). */
export function validatorSetHash(encoded: string): string {
  return keccak256(encoded);
}

export function ethAddressOf(privateKey: string): string {
  try {
    return computeAddress(new SigningKey(privateKey).publicKey);
  } catch {
    throw l1Errors.invalidKey("not a secp256k1 private key");
  }
}

/** A low-s signature of `digest`. */
export function signDigestEcdsa(digest: string, privateKey: string): EcdsaSignature {
  const sig = new SigningKey(privateKey).sign(digest);
  return { v: sig.v, r: sig.r, s: sig.s };
}

/**
 * uint16 n || set || uint256 bitmap || signatures: the `signatures` argument of a
 * checkpoint. `sigs` are in ascending member order, one per set bit.
 */
export function encodeEcdsaSignatures(
  members: readonly EcdsaMember[],
  bitmap: bigint,
  sigs: readonly EcdsaSignature[],
): string {
  return concat([
    solidityPacked(["uint16"], [members.length]),
    encodeEcdsaValidatorSet(members),
    toBeHex(bitmap, 32),
    ...sigs.map((s) => solidityPacked(["bytes32", "bytes32", "uint8"], [s.r, s.s, s.v])),
  ]);
}

/** The bitmap of members at `indices`. */
export function signerBitmap(indices: readonly number[]): bigint {
  return indices.reduce((b, i) => b | (1n << BigInt(i)), 0n);
}

/** Signs `digest` with the keys of the members at `signerIndices`; `keys[i]` is member i's key. */
export function signCheckpointEcdsa(
  digest: string,
  members: readonly EcdsaMember[],
  keys: readonly string[],
  signerIndices: readonly number[],
): string {
  const ordered = [...new Set(signerIndices)].sort((a, b) => a - b);
  const sigs = ordered.map((i) => {
    const key = keys[i];
    if (key === undefined || i >= members.length) throw l1Errors.invalidSigners(`no key for member ${i}`);
    return signDigestEcdsa(digest, key);
  });
  return encodeEcdsaSignatures(members, signerBitmap(ordered), sigs);
}
