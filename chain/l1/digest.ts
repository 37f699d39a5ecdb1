/**
 * The bytes validators sign for a checkpoint, reproduced exactly as Settlement.sol's
 * checkpointDigest (contracts/README.md documents the encoding).
 */
import { AbiCoder, ZeroHash, keccak256, toUtf8Bytes } from "ethers";

export const CHECKPOINT_TYPE =
  "StrikeCheckpoint(uint256 l1ChainId,address settlement,bytes32 strikeChainId,uint64 height,bytes32 appHash,bytes32 blockHash,bytes32 withdrawalRoot,bytes32 exitRoot,uint64 creditedDepositNonce,bytes32 nextValidatorSetHash)";
export const CHECKPOINT_TYPEHASH = keccak256(toUtf8Bytes(CHECKPOINT_TYPE));

/** Where a signature is valid: one L1 chain, one contract, one Strike chain. */
export interface SettlementDomain {
  l1ChainId: bigint;
  /** The settlement contract's address. */
  settlement: string;
  /** The Strike chain id string, e.g. "strike-1" (hashed into the digest). */
  strikeChainId: string;
}

/** One checkpoint: the state root after block `height` (the app hash of header height+1). */
export interface Checkpoint {
  height: bigint;
  appHash: string;
  blockHash: string;
  withdrawalRoot: string;
  exitRoot: string;
  /** Every L1 deposit with a nonce up to this one is credited on Strike at `height`, none above. */
  creditedDepositNonce: bigint;
}

const abi = AbiCoder.defaultAbiCoder();

export function strikeChainIdHash(strikeChainId: string): string {
  return keccak256(toUtf8Bytes(strikeChainId));
}

/** `nextValidatorSetHash` is keccak256 of the next set's encoding, or zero when the set stays. */
export function checkpointDigest(domain: SettlementDomain, cp: Checkpoint, nextValidatorSetHash = ZeroHash): string {
  return keccak256(
    abi.encode(
      [
        "bytes32",
        "uint256",
        "address",
        "bytes32",
        "uint64",
        "bytes32",
        "bytes32",
        "bytes32",
        "bytes32",
        "uint64",
        "bytes32",
      ],
      [
        CHECKPOINT_TYPEHASH,
        domain.l1ChainId,
        domain.settlement,
        strikeChainIdHash(domain.strikeChainId),
        cp.height,
        cp.appHash,
        cp.blockHash,
        cp.withdrawalRoot,
        cp.exitRoot,
        cp.creditedDepositNonce,
        nextValidatorSetHash,
      ],
    ),
  );
}
