/** JSON of CometBFT's block types (types/block.go), field for field. */
import type { BlockMeta } from "../../store/types.js";
import { toBase64 } from "../../types/bytes.js";
import type {
  Block,
  BlockId,
  Commit,
  CommitSig,
  DuplicateVoteEvidence,
  Header,
  Validator,
  Vote,
} from "../../types/block.js";
import { ed25519PubKeyJson, hexUpper, int64, rfc3339Nano, ZERO_TIME } from "./encoding.js";

export function blockIdJson(id: BlockId | undefined) {
  if (id === undefined) return { hash: "", parts: { total: 0, hash: "" } };
  return { hash: hexUpper(id.hash), parts: { total: id.partSetHeader.total, hash: hexUpper(id.partSetHeader.hash) } };
}

export function headerJson(h: Header) {
  return {
    version: { block: int64(h.version.block), app: int64(h.version.app) },
    chain_id: h.chainId,
    height: int64(h.height),
    time: rfc3339Nano(h.time),
    last_block_id: blockIdJson(h.lastBlockId),
    last_commit_hash: hexUpper(h.lastCommitHash),
    data_hash: hexUpper(h.dataHash),
    validators_hash: hexUpper(h.validatorsHash),
    next_validators_hash: hexUpper(h.nextValidatorsHash),
    consensus_hash: hexUpper(h.consensusHash),
    app_hash: hexUpper(h.appHash),
    last_results_hash: hexUpper(h.lastResultsHash),
    evidence_hash: hexUpper(h.evidenceHash),
    proposer_address: hexUpper(h.proposerAddress),
  };
}

export function commitSigJson(s: CommitSig) {
  // An absent vote carries no address, time or signature: CometBFT prints their zero values.
  if (s.blockIdFlag === 1) {
    return { block_id_flag: 1, validator_address: "", timestamp: ZERO_TIME, signature: null };
  }
  return {
    block_id_flag: s.blockIdFlag,
    validator_address: hexUpper(s.validatorAddress),
    timestamp: rfc3339Nano(s.timestamp),
    signature: s.signature.length === 0 ? null : toBase64(s.signature),
  };
}

export function commitJson(c: Commit) {
  return {
    height: int64(c.height),
    round: c.round,
    block_id: blockIdJson(c.blockId),
    signatures: c.signatures.map(commitSigJson),
  };
}

export function voteJson(v: Vote) {
  return {
    type: v.type,
    height: int64(v.height),
    round: v.round,
    block_id: blockIdJson(v.blockId),
    timestamp: rfc3339Nano(v.timestamp),
    validator_address: hexUpper(v.validatorAddress),
    validator_index: v.validatorIndex,
    signature: toBase64(v.signature),
  };
}

/** Amino JSON of DuplicateVoteEvidence, as CometBFT prints it (its field names are Go's). */
export function evidenceJson(e: DuplicateVoteEvidence) {
  return {
    type: "tendermint/DuplicateVoteEvidence",
    value: {
      vote_a: voteJson(e.voteA),
      vote_b: voteJson(e.voteB),
      TotalVotingPower: int64(e.totalVotingPower),
      ValidatorPower: int64(e.validatorPower),
      Timestamp: rfc3339Nano(e.timestamp),
    },
  };
}

export function blockJson(b: Block) {
  return {
    header: headerJson(b.header),
    data: { txs: b.txs.map(toBase64) },
    evidence: { evidence: b.evidence.map(evidenceJson) },
    last_commit: commitJson(b.lastCommit),
  };
}

export function blockMetaJson(m: BlockMeta) {
  return {
    block_id: blockIdJson(m.blockId),
    block_size: int64(m.blockSize),
    header: headerJson(m.header),
    num_txs: int64(m.numTxs),
  };
}

export function validatorJson(v: Validator) {
  return {
    address: hexUpper(v.address),
    pub_key: ed25519PubKeyJson(v.pubKey),
    voting_power: int64(v.votingPower),
    proposer_priority: int64(v.proposerPriority),
  };
}
