/**
 * The ECDSA scheme's inputs to EcdsaSettlement: the validator set encoding and the
 * signatures blob. Validators sign the raw 32-byte digest (no "\x19Ethereum Signed
 * Message" prefix) with their secp256k1 key, low-s.
 */
import { AbiCoder, SigningKey, computeAddress, getAddress, keccak256 } from "ethers";
import { l1Errors } from "./errors.js";

export interface EcdsaMember {
  address: string;
  power: bigint;
}

export interface EcdsaSignature {
  /** Position of the signer in the validator set. */
  index: number;
  v: number;
  r: string;
  s: string;
}

const abi = AbiCoder.defaultAbiCoder();
const SIGNATURE_TUPLE = "tuple(uint256 index, uint8 v, bytes32 r, bytes32 s)[]";

/** Members in the contract's order: ascending address. */
export function sortEcdsaMembers(members: readonly EcdsaMember[]): EcdsaMember[] {
  return [...members].sort((a, b) => {
    const x = BigInt(a.address);
    const y = BigInt(b.address);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** abi.encode(address[] signers, uint64[] powers), in the order given (the contract wants ascending). */
export function encodeEcdsaValidatorSet(members: readonly EcdsaMember[]): string {
  return abi.encode(
    ["address[]", "uint64[]"],
    [members.map((m) => getAddress(m.address)), members.map((m) => m.power)],
  );
}

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

/** A low-s signature of `digest` by the member at `index`. */
export function signDigestEcdsa(digest: string, privateKey: string, index: number): EcdsaSignature {
  const sig = new SigningKey(privateKey).sign(digest);
  return { index, v: sig.v, r: sig.r, s: sig.s };
}

/** abi.encode(address[], uint64[], Signature[]): the `signatures` argument of a checkpoint. */
export function encodeEcdsaSignatures(members: readonly EcdsaMember[], sigs: readonly EcdsaSignature[]): string {
  return abi.encode(
    ["address[]", "uint64[]", SIGNATURE_TUPLE],
    [members.map((m) => getAddress(m.address)), members.map((m) => m.power), sigs.map((s) => [s.index, s.v, s.r, s.s])],
  );
}

/**
 * Signs `digest` with the keys of the members at `signerIndices` (ascending) and encodes
 * the blob. `keys[i]` is member i's private key.
 */
export function signCheckpointEcdsa(
  digest: string,
  members: readonly EcdsaMember[],
  keys: readonly string[],
  signerIndices: readonly number[],
): string {
  const sigs = signerIndices.map((i) => {
    const key = keys[i];
    if (key === undefined) throw l1Errors.invalidSigners(`no key for member ${i}`);
    return signDigestEcdsa(digest, key, i);
  });
  return encodeEcdsaSignatures(members, sigs);
}
