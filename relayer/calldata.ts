/**
 * Turns a complete checkpoint from the chain into EcdsaSettlement's arguments: the signing
 * set's members with a key, ascending by address (the contract's order), the signer
 * bitmap and the signatures in member order.
 */
import { getAddress, hexlify } from "ethers";
import {
  encodeEcdsaSignatures,
  encodeEcdsaValidatorSet,
  signerBitmap,
  sortEcdsaMembers,
  type EcdsaMember,
  type EcdsaSignature,
} from "../chain/l1/ecdsa.js";
import type { ChainCheckpoint } from "./strikeSource.js";

export interface CheckpointCall {
  height: bigint;
  appHash: string;
  blockHash: string;
  withdrawalRoot: string;
  exitRoot: string;
  creditedDepositNonce: bigint;
  /** Set only for a checkpoint that changes the set (then updateValidatorSet is called). */
  newValidatorSet?: string;
  signatures: string;
}

const word = (b: Uint8Array): string => (b.length === 0 ? hexlify(new Uint8Array(32)) : hexlify(b));

export function l1SetOf(cp: ChainCheckpoint): EcdsaMember[] {
  return sortEcdsaMembers(
    cp
      .checkpoint!.signersSet.filter((m) => m.ethAddress.length === 20)
      .map((m) => ({
        address: getAddress(hexlify(m.ethAddress)),
        power: m.power,
      })),
  );
}

export function checkpointCall(cp: ChainCheckpoint): CheckpointCall {
  const c = cp.checkpoint!;
  const members = l1SetOf(cp);
  const byAddress = new Map(cp.signatures.map((s) => [getAddress(hexlify(s.ethAddress)), s.signature]));
  const indices: number[] = [];
  const sigs: EcdsaSignature[] = [];
  members.forEach((m, i) => {
    const sig = byAddress.get(m.address);
    if (sig === undefined) return;
    indices.push(i);
    sigs.push({ r: hexlify(sig.subarray(0, 32)), s: hexlify(sig.subarray(32, 64)), v: sig[64]! });
  });
  return {
    height: c.height,
    appHash: word(c.appHash),
    blockHash: word(c.blockHash),
    withdrawalRoot: word(c.withdrawalRoot),
    exitRoot: word(c.exitRoot),
    creditedDepositNonce: c.creditedDepositNonce,
    ...(c.nextValidatorSet.length === 0 ? {} : { newValidatorSet: hexlify(c.nextValidatorSet) }),
    signatures: encodeEcdsaSignatures(members, signerBitmap(indices), sigs),
  };
}

/** The genesis set's encoding for `initialize`, from members with keys. */
export function encodeSet(members: readonly EcdsaMember[]): string {
  return encodeEcdsaValidatorSet(sortEcdsaMembers(members));
}
