/**
 * The BLS side of checkpoint signatures, as pure functions over chain/l1/bls.ts: key and
 * proof-of-possession checks exactly as BlsSettlement makes them (EIP-2537 encodings,
 * subgroup points, the same DSTs), so that a key or signature the chain accepts is one the
 * contract accepts; and the L1 encoding of a signing set for either scheme.
 */
import { AbiCoder, getBytes, hexlify, keccak256 } from "ethers";
import {
  blsVerifyDigest,
  blsVerifyProofOfPossession,
  encodeBlsValidatorSet,
  g1FromEip2537,
  sortBlsMembers,
  type BlsMember,
} from "../../chain/l1/bls.js";
import { latin1 } from "../../chain/types/bytes.js";
import { isStrikeError } from "../../chain/types/errors.js";
import { evictOldest } from "../../chain/types/evictOldest.js";
import { checkpointErrors } from "./errors.js";
import { encodeL1Set } from "./ethSig.js";
import type { CheckpointScheme, SetMember } from "./state.js";

/**
 * Gas charged per pairing check (a signature or a proof of possession): a BLS verification
 * costs tens of milliseconds of CPU, so spamming bad ones must cost the submitter.
 */
export const BLS_VERIFY_GAS = 30_000n;

/** Throws badBlsKey unless `key` is a 128-byte EIP-2537 G1 subgroup point other than infinity. */
export function checkBlsKey(key: Uint8Array): void {
  try {
    g1FromEip2537(key);
  } catch (e) {
    throw checkpointErrors.badBlsKey(isStrikeError(e) ? e.message : String(e));
  }
}

/**
 * Proofs of possession this process has verified, by key || proof: a node checks the genesis
 * keys' proofs when it loads the genesis and again when InitChain registers them (with four
 * validators' keys, 417 ms of a fresh start's CPU went to three rounds of these checks, 262 ms
 * to the one left, 2026-12-07). Only a success is kept, so an answer from
 * here is the answer verification gives; the gas a tx pays is charged before the check, either
 * way. Bounded, oldest first out.
 */
const MAX_VERIFIED_PROOFS = 1_024;
const verifiedProofs = new Set<string>();

/** Throws badBlsProof unless `proof` is `key`'s proof of possession (BlsSettlement.registerKey's check). */
export function checkBlsProof(key: Uint8Array, proof: Uint8Array): void {
  const id = latin1(key) + latin1(proof);
  if (verifiedProofs.has(id)) return;
  let ok: boolean;
  try {
    ok = blsVerifyProofOfPossession(key, proof);
  } catch (e) {
    throw checkpointErrors.badBlsProof(isStrikeError(e) ? e.message : String(e));
  }
  if (!ok) throw checkpointErrors.badBlsProof();
  verifiedProofs.add(id);
  evictOldest(verifiedProofs, MAX_VERIFIED_PROOFS);
}

/** Throws badSignature for a malformed point, wrongBlsSigner for a valid point that is not `key`'s over `digest`. */
export function checkBlsSignature(digest: Uint8Array, signature: Uint8Array, key: Uint8Array): void {
  let ok: boolean;
  try {
    ok = blsVerifyDigest(digest, signature, key);
  } catch (e) {
    throw checkpointErrors.badSignature(`bls: ${isStrikeError(e) ? e.message : String(e)}`);
  }
  if (!ok) throw checkpointErrors.wrongBlsSigner(`key ${hexlify(key).slice(0, 18)}…`);
}

/** What a BLS key signs to bind itself to `operator` on `chainId` (its proof of possession names no operator). */
export function blsRegistrationDigest(chainId: string, operator: string): Uint8Array {
  return getBytes(
    keccak256(AbiCoder.defaultAbiCoder().encode(["string", "string", "string"], ["StrikeBlsKey", chainId, operator])),
  );
}

/** The members that can sign on L1 under BLS (those with a key), in BlsSettlement's order: ascending keccak(key). */
export function blsL1Members(set: readonly SetMember[]): BlsMember[] {
  return sortBlsMembers(
    set
      .filter((m) => m.blsPublicKey.length === 128)
      .map((m) => ({ publicKey: hexlify(m.blsPublicKey), power: m.power })),
  );
}

/** The settlement contract's encoding of a set under `scheme` (what initialize and updateValidatorSet take). */
export function encodeL1SetFor(set: readonly SetMember[], scheme: CheckpointScheme): Uint8Array {
  return scheme === "bls" ? getBytes(encodeBlsValidatorSet(blsL1Members(set))) : encodeL1Set(set);
}

/** The scheme's key of a member: its Ethereum address or its BLS key (empty when it registered none). */
export function schemeKey(m: SetMember, scheme: CheckpointScheme): Uint8Array {
  return scheme === "bls" ? m.blsPublicKey : m.ethAddress;
}
