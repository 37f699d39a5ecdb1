/**
 * CometBFT-exact hashes and sign bytes (CometBFT 0.38 `types/`), so that block hashes,
 * app-visible hashes and signatures can be checked by standard tooling.
 */
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import "../codec/cosmjsTypesAlloc.js";
import { Timestamp as PbTimestamp } from "cosmjs-types/google/protobuf/timestamp";
import { PublicKey } from "cosmjs-types/tendermint/crypto/keys";
import { HashedParams } from "cosmjs-types/tendermint/types/params";
import { BlockID as PbBlockID, CommitSig as PbCommitSig } from "cosmjs-types/tendermint/types/types";
import { SimpleValidator } from "cosmjs-types/tendermint/types/validator";
import { Consensus } from "cosmjs-types/tendermint/version/types";
import type { ConsensusParams, Timestamp, TxResult } from "../types/abci.js";
import type { BlockId, Commit, CommitSig, Header, Proposal, SignedMsgType, Validator, Vote } from "../types/block.js";
import { sha256 } from "../crypto/hash.js";
import { txHash } from "../crypto/txHash.js";
import { merkleRoot } from "./merkle.js";

/** CometBFT's block protocol version (version.BlockProtocol) in 0.38. */
export const BLOCK_PROTOCOL = 11n;

/** Go's zero `time.Time` (0001-01-01T00:00:00Z), which CometBFT puts in absent commit sigs. */
export const GO_ZERO_TIME: Timestamp = { seconds: -62135596800n, nanos: 0 };

/** Memoized per bytes object (crypto/txHash.ts): a block's txs were hashed on their way in. */
export { txHash };

/** CometBFT address of an ed25519 key (sha256(pubKey)[:20]), under consensus' name. */
export { ed25519Address as addressFromPubKey } from "../crypto/ed25519.js";

export function isZeroBlockId(id: BlockId | undefined): boolean {
  return (
    id === undefined || (id.hash.length === 0 && id.partSetHeader.total === 0 && id.partSetHeader.hash.length === 0)
  );
}

export function emptyBlockId(): BlockId {
  return { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } };
}

export function blockIdToProto(id: BlockId): PbBlockID {
  return { hash: id.hash, partSetHeader: { total: id.partSetHeader.total, hash: id.partSetHeader.hash } };
}

export function timestampBytes(t: Timestamp): Uint8Array {
  return PbTimestamp.encode({ seconds: t.seconds, nanos: t.nanos }).finish();
}

/** `cdcEncode` of CometBFT: the value wrapped in gogotypes.{Int64,String,Bytes}Value. */
function cdcString(s: string): Uint8Array {
  const w = new BinaryWriter();
  if (s.length > 0) w.uint32(10).string(s);
  return w.finish();
}

function cdcInt64(n: bigint): Uint8Array {
  const w = new BinaryWriter();
  if (n !== 0n) w.uint32(8).int64(n);
  return w.finish();
}

function cdcBytes(b: Uint8Array): Uint8Array {
  const w = new BinaryWriter();
  if (b.length > 0) w.uint32(10).bytes(b);
  return w.finish();
}

/** `Header.Hash()`: merkle root of the 14 field encodings; empty when validatorsHash is empty. */
export function headerHash(h: Header): Uint8Array {
  if (h.validatorsHash.length === 0) return new Uint8Array(0);
  return merkleRoot([
    Consensus.encode({ block: h.version.block, app: h.version.app }).finish(),
    cdcString(h.chainId),
    cdcInt64(h.height),
    timestampBytes(h.time),
    PbBlockID.encode(blockIdToProto(h.lastBlockId)).finish(),
    cdcBytes(h.lastCommitHash),
    cdcBytes(h.dataHash),
    cdcBytes(h.validatorsHash),
    cdcBytes(h.nextValidatorsHash),
    cdcBytes(h.consensusHash),
    cdcBytes(h.appHash),
    cdcBytes(h.lastResultsHash),
    cdcBytes(h.evidenceHash),
    cdcBytes(h.proposerAddress),
  ]);
}

/** `Data.Hash()` in 0.38: merkle root over the sha256 of each tx. */
export function dataHash(txs: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(txs.map(txHash));
}

/** `EvidenceList.Hash()`; evidence is always empty for now. */
export function evidenceHash(evidence: readonly Uint8Array[]): Uint8Array {
  return merkleRoot(evidence);
}

/** `Validator.Bytes()`: SimpleValidator{pub_key, voting_power}. */
export function validatorBytes(v: Validator): Uint8Array {
  return SimpleValidator.encode({
    pubKey: PublicKey.fromPartial({ ed25519: v.pubKey }),
    votingPower: v.votingPower,
  }).finish();
}

/** `ValidatorSet.Hash()` over the set in its canonical order (power desc, address asc). */
export function validatorsHash(validators: readonly Validator[]): Uint8Array {
  return merkleRoot(validators.map(validatorBytes));
}

export function commitSigToProto(s: CommitSig): PbCommitSig {
  return {
    blockIdFlag: s.blockIdFlag,
    validatorAddress: s.validatorAddress,
    timestamp: { seconds: s.timestamp.seconds, nanos: s.timestamp.nanos },
    signature: s.signature,
  };
}

/** `Commit.Hash()`: merkle root of the protobuf CommitSigs. */
export function commitHash(commit: Commit): Uint8Array {
  return merkleRoot(commit.signatures.map((s) => PbCommitSig.encode(commitSigToProto(s)).finish()));
}

/** The deterministic part of ExecTxResult (code, data, gas_wanted, gas_used), as `deterministicExecTxResult`. */
export function deterministicResultBytes(r: TxResult): Uint8Array {
  // Written by hand: four fields, hashed for every receipt and every block, where
  // BinaryWriter's allocations were a measurable share of a sequencer's main thread.
  // The bytes are BinaryWriter's (unit test: test/unit/consensus/resultBytes.test.ts).
  const wanted = r.gasWanted === 0n ? undefined : int64Bits(r.gasWanted);
  const used = r.gasUsed === 0n ? undefined : int64Bits(r.gasUsed);
  const code = r.code >>> 0;
  let size = 0;
  if (code !== 0) size += 1 + varintSize(BigInt(code));
  if (r.data.length > 0) size += 1 + varintSize(BigInt(r.data.length)) + r.data.length;
  if (wanted !== undefined) size += 1 + varintSize(wanted);
  if (used !== undefined) size += 1 + varintSize(used);
  const out = new Uint8Array(size);
  let at = 0;
  if (code !== 0) {
    out[at++] = 8;
    at = putVarint(out, at, BigInt(code));
  }
  if (r.data.length > 0) {
    out[at++] = 18;
    at = putVarint(out, at, BigInt(r.data.length));
    out.set(r.data, at);
    at += r.data.length;
  }
  if (wanted !== undefined) {
    out[at++] = 40;
    at = putVarint(out, at, wanted);
  }
  if (used !== undefined) {
    out[at++] = 48;
    putVarint(out, at, used);
  }
  return out;
}

/** An int64 as protobuf writes it: two's complement in 64 bits (a negative value takes ten bytes). */
function int64Bits(v: bigint): bigint {
  return BigInt.asUintN(64, v);
}

function varintSize(v: bigint): number {
  let n = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    n++;
  }
  return n;
}

function putVarint(out: Uint8Array, at: number, v: bigint): number {
  while (v >= 0x80n) {
    out[at++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  out[at++] = Number(v);
  return at;
}

/** `ABCIResults.Hash()`: the next header's last_results_hash. */
export function resultsHash(results: readonly TxResult[]): Uint8Array {
  return merkleRoot(results.map(deterministicResultBytes));
}

/** `ConsensusParams.Hash()`: sha256 of HashedParams{block_max_bytes, block_max_gas} (not a merkle root). */
export function consensusParamsHash(p: ConsensusParams): Uint8Array {
  return sha256(HashedParams.encode({ blockMaxBytes: p.block.maxBytes, blockMaxGas: p.block.maxGas }).finish());
}

function writeCanonicalBlockId(w: BinaryWriter, field: number, id: BlockId): void {
  // CanonicalBlockID{hash=1, part_set_header=2 (non-nullable)}; CanonicalPartSetHeader{total=1 uint32, hash=2}
  const psh = new BinaryWriter();
  if (id.partSetHeader.total !== 0) psh.uint32(8).uint32(id.partSetHeader.total);
  if (id.partSetHeader.hash.length > 0) psh.uint32(18).bytes(id.partSetHeader.hash);
  const pshBytes = psh.finish();
  const inner = new BinaryWriter();
  if (id.hash.length > 0) inner.uint32(10).bytes(id.hash);
  inner.uint32(18).bytes(pshBytes);
  w.uint32((field << 3) | 2).bytes(inner.finish());
}

function lengthDelimited(body: Uint8Array): Uint8Array {
  return new BinaryWriter().bytes(body).finish();
}

/**
 * `VoteSignBytes`: the length-delimited CanonicalVote{type, height sfixed64, round sfixed64,
 * block_id (omitted for nil), timestamp, chain_id}.
 */
export function voteSignBytes(
  chainId: string,
  vote: Omit<Pick<Vote, "height" | "round" | "blockId" | "timestamp">, never> & { type: SignedMsgType | 0 },
): Uint8Array {
  const w = new BinaryWriter();
  if (vote.type !== 0) w.uint32(8).int32(vote.type);
  if (vote.height !== 0n) w.uint32(17).sfixed64(vote.height);
  if (vote.round !== 0) w.uint32(25).sfixed64(BigInt(vote.round));
  if (vote.blockId !== undefined && !isZeroBlockId(vote.blockId)) writeCanonicalBlockId(w, 4, vote.blockId);
  w.uint32(42).bytes(timestampBytes(vote.timestamp));
  if (chainId.length > 0) w.uint32(50).string(chainId);
  return lengthDelimited(w.finish());
}

/** `ProposalSignBytes`: length-delimited CanonicalProposal (type 32, pol_round as int64). */
export function proposalSignBytes(chainId: string, p: Omit<Proposal, "signature">): Uint8Array {
  const w = new BinaryWriter();
  w.uint32(8).int32(32);
  if (p.height !== 0n) w.uint32(17).sfixed64(p.height);
  if (p.round !== 0) w.uint32(25).sfixed64(BigInt(p.round));
  if (p.polRound !== 0) w.uint32(32).int64(BigInt(p.polRound));
  if (!isZeroBlockId(p.blockId)) writeCanonicalBlockId(w, 5, p.blockId);
  w.uint32(50).bytes(timestampBytes(p.timestamp));
  if (chainId.length > 0) w.uint32(58).string(chainId);
  return lengthDelimited(w.finish());
}

export interface CanonicalVoteFields {
  type: SignedMsgType;
  height: bigint;
  round: number;
  blockId: BlockId | undefined;
  timestamp: Timestamp;
  chainId: string;
}

function decodeCanonicalBlockId(bytes: Uint8Array): BlockId {
  const r = new BinaryReader(bytes);
  const id = emptyBlockId();
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) id.hash = r.bytes();
    else if (tag >>> 3 === 2) {
      const pr = new BinaryReader(r.bytes());
      while (pr.pos < pr.len) {
        const t = pr.uint32();
        if (t >>> 3 === 1) id.partSetHeader.total = pr.uint32();
        else if (t >>> 3 === 2) id.partSetHeader.hash = pr.bytes();
        else pr.skipType(t & 7);
      }
    } else r.skipType(tag & 7);
  }
  return id;
}

/** Parses vote sign bytes back (used to recover a vote signed just before a crash). */
export function decodeVoteSignBytes(signBytes: Uint8Array): CanonicalVoteFields {
  const outer = new BinaryReader(signBytes);
  const r = new BinaryReader(outer.bytes());
  const out: CanonicalVoteFields = {
    type: 1,
    height: 0n,
    round: 0,
    blockId: undefined,
    timestamp: { seconds: 0n, nanos: 0 },
    chainId: "",
  };
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        out.type = r.int32() as SignedMsgType;
        break;
      case 2:
        out.height = r.sfixed64();
        break;
      case 3:
        out.round = Number(r.sfixed64());
        break;
      case 4:
        out.blockId = decodeCanonicalBlockId(r.bytes());
        break;
      case 5: {
        const t = PbTimestamp.decode(r.bytes());
        out.timestamp = { seconds: t.seconds, nanos: t.nanos };
        break;
      }
      case 6:
        out.chainId = r.string();
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return out;
}
