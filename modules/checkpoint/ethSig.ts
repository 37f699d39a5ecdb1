/**
 * The Ethereum side of checkpoint signatures, as pure functions: the digest (exactly
 * Settlement.sol's, through chain/l1/digest.ts), the L1 encoding of a signing set, and
 * strict ecrecover (65 bytes, v 27/28, low s: the contract's own rules, so that a
 * signature the chain accepts is one the contract accepts).
 */
import { AbiCoder, SigningKey, Signature, computeAddress, getBytes, hexlify, keccak256, ZeroHash } from "ethers";
import { checkpointDigest, type SettlementDomain } from "../../chain/l1/digest.js";
import { encodeEcdsaValidatorSet, sortEcdsaMembers } from "../../chain/l1/ecdsa.js";
import { checkpointErrors } from "./errors.js";
import type { SetMember } from "./state.js";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;

/** What a digest covers besides the domain. All byte fields are 32 bytes (empty next-set hash = zero). */
export interface DigestFields {
  height: bigint;
  appHash: Uint8Array;
  blockHash: Uint8Array;
  withdrawalRoot: Uint8Array;
  exitRoot: Uint8Array;
  /** Every L1 deposit up to this nonce is credited at `height`, none above. */
  creditedDepositNonce: bigint;
  nextValidatorSetHash: Uint8Array;
}

function word(b: Uint8Array): string {
  if (b.length === 0) return ZeroHash;
  if (b.length !== 32) throw checkpointErrors.badSignature(`a signed field must be 32 bytes, got ${b.length}`);
  return hexlify(b);
}

export function digestOf(domain: SettlementDomain, f: DigestFields): Uint8Array {
  return getBytes(
    checkpointDigest(
      domain,
      {
        height: f.height,
        appHash: word(f.appHash),
        blockHash: word(f.blockHash),
        withdrawalRoot: word(f.withdrawalRoot),
        exitRoot: word(f.exitRoot),
        creditedDepositNonce: f.creditedDepositNonce,
      },
      word(f.nextValidatorSetHash),
    ),
  );
}

/** The 20-byte address whose key made `sig` over `digest`; throws badSignature for anything the contract would refuse. */
export function recoverSigner(digest: Uint8Array, sig: Uint8Array): Uint8Array {
  if (sig.length !== 65) throw checkpointErrors.badSignature(`got ${sig.length} bytes`);
  const r = BigInt(hexlify(sig.subarray(0, 32)));
  const s = BigInt(hexlify(sig.subarray(32, 64)));
  const v = sig[64]!;
  if (v !== 27 && v !== 28) throw checkpointErrors.badSignature(`v must be 27 or 28, got ${v}`);
  if (r === 0n || r >= N || s === 0n) throw checkpointErrors.badSignature("r or s out of range");
  if (s > HALF_N) throw checkpointErrors.badSignature("high s (the malleable twin of a valid signature)");
  let publicKey: string;
  try {
    publicKey = SigningKey.recoverPublicKey(
      digest,
      Signature.from({ r: hexlify(sig.subarray(0, 32)), s: hexlify(sig.subarray(32, 64)), v }),
    );
  } catch {
    throw checkpointErrors.badSignature("no public key recovers from it");
  }
  return getBytes(computeAddress(publicKey));
}

/** The members that can sign on L1 (those with a key), as the contract stores them: ascending address. */
export function l1Members(set: readonly SetMember[]): { address: string; power: bigint }[] {
  return sortEcdsaMembers(
    set.filter((m) => m.ethAddress.length === 20).map((m) => ({ address: hexlify(m.ethAddress), power: m.power })),
  );
}

/** EcdsaSettlement's encoding of a set (what initialize and updateValidatorSet take). */
export function encodeL1Set(set: readonly SetMember[]): Uint8Array {
  return getBytes(encodeEcdsaValidatorSet(l1Members(set)));
}

/** What a key signs to register itself for `operator` on `chainId`. */
export function registrationDigest(chainId: string, operator: string): Uint8Array {
  return getBytes(
    keccak256(AbiCoder.defaultAbiCoder().encode(["string", "string", "string"], ["StrikeEthKey", chainId, operator])),
  );
}

export function keccak(b: Uint8Array): Uint8Array {
  return getBytes(keccak256(b));
}
