/**
 * Building, checking and committing blocks against the chain state of the previous height:
 * the rules of CometBFT's `state.MakeBlock`, `validateBlock` and `VerifyCommit`, for a
 * validator set fixed at genesis.
 */
import type { ConsensusParams, Timestamp } from "../types/abci.js";
import { equalBytes } from "../types/bytes.js";
import type {
  Block,
  BlockId,
  Commit,
  CommitSig,
  DuplicateVoteEvidence,
  Header,
  Validator,
  Vote,
} from "../types/block.js";
import {
  BLOCK_PROTOCOL,
  commitHash,
  consensusParamsHash,
  dataHash,
  emptyBlockId,
  evidenceHash,
  GO_ZERO_TIME,
  headerHash,
  isZeroBlockId,
  validatorsHash,
  voteSignBytes,
} from "./encoding.js";
import { encodeBlock, encodeEvidence, partSetHeaderOf } from "./protoCodec.js";
import { verifyEd25519 } from "../crypto/ed25519.js";
import { blockIdKey, isTwoThirds } from "./voteSet.js";
import { totalVotingPower } from "./proposer.js";

/** What the next block's header is built from: the outcome of the previous height. */
export interface ChainState {
  chainId: string;
  initialHeight: bigint;
  appVersion: bigint;
  /** Last committed height (initialHeight - 1 before the first block). */
  lastHeight: bigint;
  lastBlockId: BlockId;
  lastBlockTime: Timestamp;
  lastCommit: Commit;
  lastResultsHash: Uint8Array;
  appHash: Uint8Array;
  validators: readonly Validator[];
  /** The set of the next height (differs from `validators` when staking changed it two heights ago). */
  nextValidators?: readonly Validator[];
  lastValidators: readonly Validator[];
  consensusParams: ConsensusParams;
}

export function emptyCommit(): Commit {
  return { height: 0n, round: 0, blockId: emptyBlockId(), signatures: [] };
}

export function timestampFromMs(ms: number): Timestamp {
  const m = BigInt(Math.floor(ms));
  return { seconds: m / 1000n, nanos: Number(m % 1000n) * 1_000_000 };
}

export function timestampToNs(t: Timestamp): bigint {
  return t.seconds * 1_000_000_000n + BigInt(t.nanos);
}

function timestampFromNs(ns: bigint): Timestamp {
  let s = ns / 1_000_000_000n;
  let n = ns % 1_000_000_000n;
  if (n < 0n) {
    s -= 1n;
    n += 1_000_000_000n;
  }
  return { seconds: s, nanos: Number(n) };
}

/**
 * Block time: the genesis time at the initial height (as CometBFT), then the proposer's
 * clock, never earlier than the previous block + 1ms. CometBFT takes the median of the
 * previous commit's vote times (BFT time); with the proposer's clock a single validator's
 * blocks carry real time, and `validateBlock` only asks for monotonic time.
 */
export function nextBlockTime(cs: ChainState, nowMs: number): Timestamp {
  if (cs.lastHeight < cs.initialHeight) return cs.lastBlockTime;
  const min = timestampToNs(cs.lastBlockTime) + 1_000_000n;
  const now = timestampToNs(timestampFromMs(nowMs));
  return timestampFromNs(now > min ? now : min);
}

export function makeBlock(
  cs: ChainState,
  txs: Uint8Array[],
  time: Timestamp,
  proposerAddress: Uint8Array,
  evidence: readonly DuplicateVoteEvidence[] = [],
): { block: Block; blockId: BlockId } {
  const vh = validatorsHash(cs.validators);
  const header: Header = {
    version: { block: BLOCK_PROTOCOL, app: cs.appVersion },
    chainId: cs.chainId,
    height: cs.lastHeight + 1n,
    time,
    lastBlockId: cs.lastBlockId,
    lastCommitHash: commitHash(cs.lastCommit),
    dataHash: dataHash(txs),
    validatorsHash: vh,
    nextValidatorsHash: cs.nextValidators === undefined ? vh : validatorsHash(cs.nextValidators),
    consensusHash: consensusParamsHash(cs.consensusParams),
    appHash: cs.appHash,
    lastResultsHash: cs.lastResultsHash,
    evidenceHash: evidenceHash(evidence.map(encodeEvidence)),
    proposerAddress,
  };
  const block: Block = { header, txs, evidence: [...evidence], lastCommit: cs.lastCommit };
  return { block, blockId: blockIdOf(block) };
}

export function blockIdOf(block: Block): BlockId {
  return { hash: headerHash(block.header), partSetHeader: partSetHeaderOf(encodeBlock(block)) };
}

function sameBlockId(a: BlockId, b: BlockId): boolean {
  return blockIdKey(a) === blockIdKey(b);
}

/** Why a proposed block is invalid, or undefined if its header follows from the chain state. */
export function blockHeaderProblem(cs: ChainState, block: Block, expectedProposer: Uint8Array): string | undefined {
  const h = block.header;
  // The proposer's +2/3 of precommits may differ from ours: its own last commit is checked
  // by signature below, and the header must hash exactly that one.
  const expected = makeBlock(
    { ...cs, lastCommit: block.lastCommit },
    block.txs,
    h.time,
    expectedProposer,
    block.evidence,
  ).block.header;
  if (h.chainId !== cs.chainId) return "wrong chain id";
  if (h.height !== cs.lastHeight + 1n) return "wrong height";
  if (h.version.block !== BLOCK_PROTOCOL) return "wrong block version";
  if (!sameBlockId(h.lastBlockId, cs.lastBlockId)) return "wrong last block id";
  for (const f of [
    "lastCommitHash",
    "dataHash",
    "validatorsHash",
    "nextValidatorsHash",
    "consensusHash",
    "appHash",
    "lastResultsHash",
    "evidenceHash",
    "proposerAddress",
  ] as const) {
    if (!equalBytes(h[f], expected[f])) return `wrong ${f}`;
  }
  if (block.header.height === cs.initialHeight) {
    if (timestampToNs(h.time) !== timestampToNs(cs.lastBlockTime)) return "first block time must be the genesis time";
    if (block.lastCommit.signatures.length !== 0) return "the first block has no last commit";
  } else {
    if (timestampToNs(h.time) <= timestampToNs(cs.lastBlockTime)) return "block time not after the previous block";
    const problem = commitProblem(cs.chainId, cs.lastValidators, cs.lastBlockId, cs.lastHeight, block.lastCommit);
    if (problem !== undefined) return `last commit: ${problem}`;
  }
  return undefined;
}

/** `VerifyCommit`: +2/3 of the set's power signed this block id at this height. */
export function commitProblem(
  chainId: string,
  validators: readonly Validator[],
  blockId: BlockId,
  height: bigint,
  commit: Commit,
): string | undefined {
  if (commit.height !== height) return "wrong height";
  if (!sameBlockId(commit.blockId, blockId)) return "wrong block id";
  if (commit.signatures.length !== validators.length) return "wrong number of signatures";
  let power = 0n;
  for (let i = 0; i < validators.length; i++) {
    const sig = commit.signatures[i]!;
    const val = validators[i]!;
    if (sig.blockIdFlag === 1) continue;
    if (!equalBytes(sig.validatorAddress, val.address)) return `signature ${i} from the wrong validator`;
    const voted = sig.blockIdFlag === 2 ? commit.blockId : undefined;
    const bytes = voteSignBytes(chainId, {
      type: 2,
      height,
      round: commit.round,
      blockId: voted,
      timestamp: sig.timestamp,
    });
    if (!verifyEd25519(val.pubKey, bytes, sig.signature)) return `bad signature ${i}`;
    if (sig.blockIdFlag === 2) power += val.votingPower;
  }
  if (!isTwoThirds(power, totalVotingPower(validators))) return "less than +2/3 voting power";
  return undefined;
}

/** The commit from a round's precommits: votes for another block count as absent, as in CometBFT. */
export function commitFromPrecommits(
  height: bigint,
  round: number,
  blockId: BlockId,
  validators: readonly Validator[],
  precommits: readonly (Vote | undefined)[],
): Commit {
  const key = blockIdKey(blockId);
  const signatures: CommitSig[] = validators.map((_, i) => {
    const v = precommits[i];
    if (v === undefined || (v.blockId !== undefined && blockIdKey(v.blockId) !== key)) {
      return {
        blockIdFlag: 1,
        validatorAddress: new Uint8Array(0),
        timestamp: GO_ZERO_TIME,
        signature: new Uint8Array(0),
      };
    }
    return {
      blockIdFlag: isZeroBlockId(v.blockId) ? 3 : 2,
      validatorAddress: v.validatorAddress,
      timestamp: v.timestamp,
      signature: v.signature,
    };
  });
  return { height, round, blockId, signatures };
}
