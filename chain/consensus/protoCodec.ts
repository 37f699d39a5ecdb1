/**
 * Conversions between Strike's block shapes (chain/types/block.ts) and CometBFT's protobuf
 * messages from cosmjs-types, used for block parts, storage and the network.
 */
import { ResponseFinalizeBlock, type Event as PbEvent } from "cosmjs-types/tendermint/abci/types";
import { PublicKey } from "cosmjs-types/tendermint/crypto/keys";
import { Block as PbBlock } from "cosmjs-types/tendermint/types/block";
import { DuplicateVoteEvidence as PbDuplicateVoteEvidence } from "cosmjs-types/tendermint/types/evidence";
import type { BlockID as PbBlockID, Header as PbHeader } from "cosmjs-types/tendermint/types/types";
import {
  Commit as PbCommit,
  Proposal as PbProposal,
  Vote as PbVote,
  type SignedMsgType as PbSignedMsgType,
} from "cosmjs-types/tendermint/types/types";
import { ValidatorSet as PbValidatorSet } from "cosmjs-types/tendermint/types/validator";
import type { AbciEvent, FinalizeBlockResponse } from "../types/abci.js";
import type {
  Block,
  BlockId,
  BlockIdFlag,
  Commit,
  DuplicateVoteEvidence,
  Header,
  Proposal,
  SignedMsgType,
  Validator,
  Vote,
} from "../types/block.js";
import { blockIdToProto, commitSigToProto, isZeroBlockId } from "./encoding.js";
import { merkleRoot } from "./merkle.js";

/** CometBFT's types.BlockPartSizeBytes. */
export const BLOCK_PART_SIZE = 65536;

function blockIdFromProto(id: PbBlockID | undefined): BlockId {
  return {
    hash: id?.hash ?? new Uint8Array(0),
    partSetHeader: { total: id?.partSetHeader.total ?? 0, hash: id?.partSetHeader.hash ?? new Uint8Array(0) },
  };
}

export function headerToProto(h: Header): PbHeader {
  return {
    version: { block: h.version.block, app: h.version.app },
    chainId: h.chainId,
    height: h.height,
    time: { seconds: h.time.seconds, nanos: h.time.nanos },
    lastBlockId: blockIdToProto(h.lastBlockId),
    lastCommitHash: h.lastCommitHash,
    dataHash: h.dataHash,
    validatorsHash: h.validatorsHash,
    nextValidatorsHash: h.nextValidatorsHash,
    consensusHash: h.consensusHash,
    appHash: h.appHash,
    lastResultsHash: h.lastResultsHash,
    evidenceHash: h.evidenceHash,
    proposerAddress: h.proposerAddress,
  };
}

export function headerFromProto(h: PbHeader): Header {
  return {
    version: { block: h.version.block, app: h.version.app },
    chainId: h.chainId,
    height: h.height,
    time: { seconds: h.time.seconds, nanos: h.time.nanos },
    lastBlockId: blockIdFromProto(h.lastBlockId),
    lastCommitHash: h.lastCommitHash,
    dataHash: h.dataHash,
    validatorsHash: h.validatorsHash,
    nextValidatorsHash: h.nextValidatorsHash,
    consensusHash: h.consensusHash,
    appHash: h.appHash,
    lastResultsHash: h.lastResultsHash,
    evidenceHash: h.evidenceHash,
    proposerAddress: h.proposerAddress,
  };
}

export function commitToProto(c: Commit): PbCommit {
  return {
    height: c.height,
    round: c.round,
    blockId: blockIdToProto(c.blockId),
    signatures: c.signatures.map(commitSigToProto),
  };
}

export function commitFromProto(c: PbCommit): Commit {
  return {
    height: c.height,
    round: c.round,
    blockId: blockIdFromProto(c.blockId),
    signatures: c.signatures.map((s) => ({
      blockIdFlag: s.blockIdFlag as BlockIdFlag,
      validatorAddress: s.validatorAddress,
      timestamp: { seconds: s.timestamp.seconds, nanos: s.timestamp.nanos },
      signature: s.signature,
    })),
  };
}

export function encodeCommit(c: Commit): Uint8Array {
  return PbCommit.encode(commitToProto(c)).finish();
}

export function decodeCommit(bytes: Uint8Array): Commit {
  return commitFromProto(PbCommit.decode(bytes));
}

function evidenceToProto(e: DuplicateVoteEvidence): PbDuplicateVoteEvidence {
  return {
    voteA: voteToProto(e.voteA),
    voteB: voteToProto(e.voteB),
    totalVotingPower: e.totalVotingPower,
    validatorPower: e.validatorPower,
    timestamp: { seconds: e.timestamp.seconds, nanos: e.timestamp.nanos },
  };
}

function evidenceFromProto(e: PbDuplicateVoteEvidence): DuplicateVoteEvidence {
  if (e.voteA === undefined || e.voteB === undefined) throw new RangeError("duplicate-vote evidence without its votes");
  return {
    voteA: voteFromProto(e.voteA),
    voteB: voteFromProto(e.voteB),
    totalVotingPower: e.totalVotingPower,
    validatorPower: e.validatorPower,
    timestamp: { seconds: e.timestamp.seconds, nanos: e.timestamp.nanos },
  };
}

/** DuplicateVoteEvidence.Bytes(): what the evidence hash and the header's evidence_hash are over. */
export function encodeEvidence(e: DuplicateVoteEvidence): Uint8Array {
  return PbDuplicateVoteEvidence.encode(evidenceToProto(e)).finish();
}

export function decodeEvidence(bytes: Uint8Array): DuplicateVoteEvidence {
  return evidenceFromProto(PbDuplicateVoteEvidence.decode(bytes));
}

export function encodeBlock(b: Block): Uint8Array {
  return PbBlock.encode({
    header: headerToProto(b.header),
    data: { txs: b.txs },
    evidence: { evidence: b.evidence.map((e) => ({ duplicateVoteEvidence: evidenceToProto(e) })) },
    lastCommit: commitToProto(b.lastCommit),
  }).finish();
}

export function decodeBlock(bytes: Uint8Array): Block {
  const b = PbBlock.decode(bytes);
  return {
    header: headerFromProto(b.header),
    txs: b.data.txs,
    evidence: (b.evidence?.evidence ?? []).map((e) => {
      if (e.duplicateVoteEvidence === undefined) throw new RangeError("only duplicate-vote evidence is supported");
      return evidenceFromProto(e.duplicateVoteEvidence);
    }),
    lastCommit:
      b.lastCommit === undefined
        ? { height: 0n, round: 0, blockId: blockIdFromProto(undefined), signatures: [] }
        : commitFromProto(b.lastCommit),
  };
}

/** The PartSetHeader of the encoded block: 64 KiB parts, merkle root over the raw parts. */
export function partSetHeaderOf(blockBytes: Uint8Array): { total: number; hash: Uint8Array } {
  const parts: Uint8Array[] = [];
  for (let o = 0; o < blockBytes.length; o += BLOCK_PART_SIZE) parts.push(blockBytes.subarray(o, o + BLOCK_PART_SIZE));
  return { total: parts.length, hash: merkleRoot(parts) };
}

export function validatorsToProto(vals: readonly Validator[]): PbValidatorSet {
  let total = 0n;
  for (const v of vals) total += v.votingPower;
  return {
    validators: vals.map((v) => ({
      address: v.address,
      pubKey: PublicKey.fromPartial({ ed25519: v.pubKey }),
      votingPower: v.votingPower,
      proposerPriority: v.proposerPriority,
    })),
    totalVotingPower: total,
  };
}

export function encodeValidators(vals: readonly Validator[]): Uint8Array {
  return PbValidatorSet.encode(validatorsToProto(vals)).finish();
}

export function decodeValidators(bytes: Uint8Array): Validator[] {
  return PbValidatorSet.decode(bytes).validators.map((v) => ({
    address: v.address,
    pubKey: v.pubKey.ed25519 ?? new Uint8Array(0),
    votingPower: v.votingPower,
    proposerPriority: v.proposerPriority,
  }));
}

function eventsFromProto(events: readonly PbEvent[]): AbciEvent[] {
  return events.map((e) => ({
    type: e.type,
    attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: a.index })),
  }));
}

/** Written in one pass into one buffer (resultsCodec.ts); cosmjs-types' bytes exactly. */
export { encodeFinalizeBlockResponse } from "./resultsCodec.js";

export function decodeFinalizeBlockResponse(bytes: Uint8Array): FinalizeBlockResponse {
  const r = ResponseFinalizeBlock.decode(bytes);
  return {
    events: eventsFromProto(r.events),
    txResults: r.txResults.map((t) => ({
      code: t.code,
      codespace: t.codespace,
      log: t.log,
      info: t.info,
      data: t.data,
      gasWanted: t.gasWanted,
      gasUsed: t.gasUsed,
      events: eventsFromProto(t.events),
    })),
    validatorUpdates: r.validatorUpdates.map((u) => ({
      pubKey: u.pubKey.ed25519 ?? new Uint8Array(0),
      power: u.power,
    })),
    appHash: r.appHash,
  };
}

export function encodeVote(v: Vote): Uint8Array {
  return PbVote.encode(voteToProto(v)).finish();
}

function voteToProto(v: Vote): PbVote {
  return {
    type: v.type as unknown as PbSignedMsgType,
    height: v.height,
    round: v.round,
    blockId: v.blockId === undefined ? blockIdToProto(blockIdFromProto(undefined)) : blockIdToProto(v.blockId),
    timestamp: { seconds: v.timestamp.seconds, nanos: v.timestamp.nanos },
    validatorAddress: v.validatorAddress,
    validatorIndex: v.validatorIndex,
    signature: v.signature,
    extension: new Uint8Array(0),
    extensionSignature: new Uint8Array(0),
  };
}

export function decodeVote(bytes: Uint8Array): Vote {
  return voteFromProto(PbVote.decode(bytes));
}

function voteFromProto(v: PbVote): Vote {
  const blockId = blockIdFromProto(v.blockId);
  return {
    type: v.type as unknown as SignedMsgType,
    height: v.height,
    round: v.round,
    blockId: isZeroBlockId(blockId) ? undefined : blockId,
    timestamp: { seconds: v.timestamp.seconds, nanos: v.timestamp.nanos },
    validatorAddress: v.validatorAddress,
    validatorIndex: v.validatorIndex,
    signature: v.signature,
  };
}

export function encodeProposal(p: Proposal): Uint8Array {
  return PbProposal.encode({
    type: 32 as unknown as PbSignedMsgType,
    height: p.height,
    round: p.round,
    polRound: p.polRound,
    blockId: blockIdToProto(p.blockId),
    timestamp: { seconds: p.timestamp.seconds, nanos: p.timestamp.nanos },
    signature: p.signature,
  }).finish();
}

export function decodeProposal(bytes: Uint8Array): Proposal {
  const p = PbProposal.decode(bytes);
  return {
    height: p.height,
    round: p.round,
    polRound: p.polRound,
    blockId: blockIdFromProto(p.blockId),
    timestamp: { seconds: p.timestamp.seconds, nanos: p.timestamp.nanos },
    signature: p.signature,
  };
}
