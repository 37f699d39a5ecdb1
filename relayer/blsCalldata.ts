/**
 * BlsSettlement's arguments from a complete checkpoint signed under the chain's "bls"
 * scheme: the signing set's members with a BLS key, ascending by keccak256(key) (the
 * contract's order), the signer bitmap, the sum of the signers' signatures (each one
 * verified on chain when it was submitted, so the sum verifies against the signers'
 * aggregate key) and the non-signers' keys and powers.
 */
import { hexlify } from "ethers";
import { aggregateBlsSignatures, encodeBlsSignatures, sortBlsMembers, type BlsMember } from "../chain/l1/bls.js";
import { checkpointCall, type CheckpointCall } from "./calldata.js";
import type { ChainCheckpoint } from "./strikeSource.js";

const BLS_SIGNATURE_BYTES = 256;
const word = (b: Uint8Array): string => (b.length === 0 ? hexlify(new Uint8Array(32)) : hexlify(b));

/** Whether the checkpoint was signed under the bls scheme (its signatures are G2 points, not r||s||v). */
export function isBlsCheckpoint(cp: ChainCheckpoint): boolean {
  return cp.signatures.length > 0 && cp.signatures.every((s) => s.signature.length === BLS_SIGNATURE_BYTES);
}

export function blsL1SetOf(cp: ChainCheckpoint): BlsMember[] {
  return sortBlsMembers(
    cp
      .checkpoint!.signersSet.filter((m) => m.blsPublicKey.length === 128)
      .map((m) => ({ publicKey: hexlify(m.blsPublicKey), power: m.power })),
  );
}

export function blsCheckpointCall(cp: ChainCheckpoint): CheckpointCall {
  const members = blsL1SetOf(cp);
  const keyOf = new Map(cp.checkpoint!.signersSet.map((m) => [m.operator, hexlify(m.blsPublicKey)]));
  const byKey = new Map(cp.signatures.map((s) => [keyOf.get(s.validator) ?? "", s.signature]));
  let bitmap = 0n;
  const sigs: Uint8Array[] = [];
  const nonSigners: BlsMember[] = [];
  members.forEach((m, i) => {
    const sig = byKey.get(m.publicKey);
    if (sig === undefined) {
      nonSigners.push(m);
      return;
    }
    bitmap |= 1n << BigInt(i);
    sigs.push(sig);
  });
  const c = cp.checkpoint!;
  return {
    height: c.height,
    appHash: word(c.appHash),
    blockHash: word(c.blockHash),
    withdrawalRoot: word(c.withdrawalRoot),
    exitRoot: word(c.exitRoot),
    creditedDepositNonce: c.creditedDepositNonce,
    ...(c.nextValidatorSet.length === 0 ? {} : { newValidatorSet: hexlify(c.nextValidatorSet) }),
    signatures: encodeBlsSignatures({ bitmap, signature: aggregateBlsSignatures(sigs), nonSigners }),
  };
}

/** The call for whichever scheme signed the checkpoint. */
export function checkpointCallFor(cp: ChainCheckpoint): CheckpointCall {
  return isBlsCheckpoint(cp) ? blsCheckpointCall(cp) : checkpointCall(cp);
}
