/**
 * Canonical block data, with CometBFT's fields so that its RPC shapes and hashing rules
 * apply unchanged. Hashing and encoding (protobuf, canonical sign bytes, merkle roots)
 * live in chain/consensus/encoding.ts; these are plain data shapes.
 */
import type { Timestamp } from "./abci.js";

export interface PartSetHeader {
  total: number;
  hash: Uint8Array;
}

export interface BlockId {
  hash: Uint8Array;
  partSetHeader: PartSetHeader;
}

export interface Header {
  version: { block: bigint; app: bigint };
  chainId: string;
  height: bigint;
  time: Timestamp;
  lastBlockId: BlockId;
  lastCommitHash: Uint8Array;
  dataHash: Uint8Array;
  validatorsHash: Uint8Array;
  nextValidatorsHash: Uint8Array;
  consensusHash: Uint8Array;
  appHash: Uint8Array;
  lastResultsHash: Uint8Array;
  evidenceHash: Uint8Array;
  proposerAddress: Uint8Array;
}

/** CometBFT BlockIDFlag: 1 absent, 2 commit, 3 nil. */
export type BlockIdFlag = 1 | 2 | 3;

export interface CommitSig {
  blockIdFlag: BlockIdFlag;
  validatorAddress: Uint8Array;
  timestamp: Timestamp;
  signature: Uint8Array;
}

export interface Commit {
  height: bigint;
  round: number;
  blockId: BlockId;
  signatures: CommitSig[];
}

/** Two votes of one validator for the same height, round and type but different blocks (CometBFT's DuplicateVoteEvidence). */
export interface DuplicateVoteEvidence {
  /** The vote whose block id sorts first. */
  voteA: Vote;
  voteB: Vote;
  /** Of the set at the votes' height. */
  totalVotingPower: bigint;
  validatorPower: bigint;
  /** Time of the block at the votes' height. */
  timestamp: Timestamp;
}

export interface Block {
  header: Header;
  txs: Uint8Array[];
  /** Duplicate-vote evidence of earlier heights, committed once. */
  evidence: DuplicateVoteEvidence[];
  /** The commit of the previous block (empty signatures at the initial height). */
  lastCommit: Commit;
}

export interface Validator {
  /** First 20 bytes of sha256(pubKey), as CometBFT. */
  address: Uint8Array;
  /** ed25519 public key, 32 bytes. */
  pubKey: Uint8Array;
  votingPower: bigint;
  proposerPriority: bigint;
}

/** 1 prevote, 2 precommit, 32 proposal (CometBFT SignedMsgType). */
export type SignedMsgType = 1 | 2 | 32;

export interface Vote {
  type: SignedMsgType;
  height: bigint;
  round: number;
  /** Undefined means a vote for nil. */
  blockId: BlockId | undefined;
  timestamp: Timestamp;
  validatorAddress: Uint8Array;
  validatorIndex: number;
  signature: Uint8Array;
}

export interface Proposal {
  height: bigint;
  round: number;
  polRound: number;
  blockId: BlockId;
  timestamp: Timestamp;
  signature: Uint8Array;
}

/**
 * What a tx of `length` bytes adds to its block's encoded data: the bytes with their field
 * tag and length prefix (CometBFT counts the same, ComputeProtoSizeForTxs). Block-size
 * limits count this, not the bare length, so that a full block's data really fits them.
 */
export function blockTxBytes(length: number): number {
  let prefix = 1;
  for (let n = length; n >= 0x80; n = Math.floor(n / 0x80)) prefix++;
  return 1 + prefix + length;
}
