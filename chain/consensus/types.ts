/** Public contracts of the consensus driver (createConsensusDriver in driver.ts). */
import type { Application, ConsensusParams, LastCommitInfo, Misbehavior, Timestamp } from "../types/abci.js";
import type { Block, Commit, DuplicateVoteEvidence, Proposal, Validator, Vote } from "../types/block.js";
import type { Database, WriteBatch } from "../store/types.js";
import type { BlockStore } from "./blockStore.js";
import type { TimeoutConfig } from "./reducerTypes.js";
import type { ProposerSelection, ValidatorSet } from "./proposer.js";
import type { CommittedBlock } from "./committedBlock.js";
import type { MessageOrigin } from "./messageOrigin.js";
import type { Wal, WalRecord } from "./wal.js";

export type { TimeoutConfig } from "./reducerTypes.js";
export type { CommittedBlock } from "./committedBlock.js";

/** The mempool side of block building; a sequencer can stand in for it. */
export interface BlockBuilder {
  /** Txs for the next block, in order, within maxBytes. */
  reapTxs(maxBytes: number): Uint8Array[];
  /** Number of txs waiting (used when empty blocks are not created). Optional: treated as unknown. */
  size?(): number;
  /**
   * A sequencer (chain/sequencer): told, as soon as the previous height commits, of the
   * height whose round 0 we propose, with everything its execution can see.
   */
  openHeight?(plan: HeightPlan): void;
  /**
   * The sequencer's block for `height`, as fixed at opening; undefined when it did not open
   * it; "abstain" when it signed receipts for `height` that it cannot honour (then this
   * validator proposes nothing at `height`: the round times out and another proposer goes on).
   * `lastCommit` is who signed the previous block as the proposal would carry it now, with
   * the precommits that arrived after the decision: the block takes it when its txs come out
   * the same under it, and keeps the one it opened with otherwise (SealedBlock says which).
   */
  sealBlock?(height: bigint, lastCommit: LastCommitInfo): SealedBlock | "abstain" | undefined;
}

/** What a block's execution can see, fixed before its txs are chosen. */
export interface HeightPlan {
  height: bigint;
  time: Timestamp;
  proposerAddress: Uint8Array;
  evidence: DuplicateVoteEvidence[];
  misbehavior: Misbehavior[];
  decidedLastCommit: LastCommitInfo;
  /** The results root of the previous height (the block's last_results_hash). */
  lastResultsHash?: Uint8Array;
  /** The previous block's hash (the next header's last_block_id). */
  lastBlockHash?: Uint8Array;
}

export interface SealedBlock {
  txs: Uint8Array[];
  time: Timestamp;
  evidence: DuplicateVoteEvidence[];
  /** Who signed the previous block as its txs were executed: the proposal's last commit must say exactly this. */
  decidedLastCommit: LastCommitInfo;
}

export type ConsensusMessage =
  | { kind: "proposal"; proposal: Proposal; block: Block }
  | { kind: "vote"; vote: Vote }
  /** A block relayed by a peer (e.g. the one +2/3 precommitted while we hold a different proposal). */
  | { kind: "block"; block: Block }
  /** Two conflicting votes of one validator (duplicate-vote evidence), gossiped until a block commits it. */
  | { kind: "evidence"; voteA: Vote; voteB: Vote };

/** Gossip of consensus messages; absent (a no-op) for a single validator. */
export interface ConsensusNetwork {
  broadcast(msg: ConsensusMessage): void;
  /** `origin` names the sending peer and the message's size on the wire (absent for local tests). */
  onMessage(handler: (msg: ConsensusMessage, origin?: MessageOrigin) => void): void;
  /** Scores a peer down for a message an honest peer never sends (a forged signature, a round far ahead). */
  reportInvalid?(peer: string, reason: string): void;
  /** A peer left: whatever it had us hold goes. */
  onPeerGone?(handler: (peer: string) => void): void;
}

export interface ConsensusLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  debug?(msg: string, fields?: Record<string, unknown>): void;
}

export interface PrivValidatorKey {
  /** ed25519 32-byte seed. */
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

export interface ConsensusDriverOptions {
  chainId: string;
  initialHeight: bigint;
  genesisTime: Timestamp;
  /** The current set (fixed from genesis for now); priorities are recomputed as CometBFT's NewValidatorSet. */
  validators: Validator[];
  consensusParams: ConsensusParams;
  /** The consensus channel's message limit: a proposal carries its block, so blocks stay under it. */
  maxProposalMessageBytes?: number;
  /** Already initialised (initChain done by the node at genesis). */
  app: Application;
  db: Database;
  blockStore: BlockStore;
  privValidator: PrivValidatorKey | undefined;
  signStatePath: string;
  walPath: string;
  timeouts: TimeoutConfig;
  /** When false, a height waits for txs, but a block is still made every createEmptyBlocksIntervalMs. */
  createEmptyBlocks: boolean;
  createEmptyBlocksIntervalMs: number;
  blockBuilder: BlockBuilder;
  /** In the same synchronous step as the app's Commit; the block store's writes join the batch after it. */
  onBlockCommitting?(committed: CommittedBlock, batch: WriteBatch): void;
  onBlockCommitted?(committed: CommittedBlock): void;
  network?: ConsensusNetwork;
  /**
   * TESTS ONLY: with each prevote for a block also sign and send a conflicting nil prevote,
   * bypassing the double-sign protection, so that slashing can be tested end to end.
   */
  doubleSignForTesting?: boolean;
  /** How often our own messages of the current height are re-sent (default 1 s). */
  gossipIntervalMs?: number;
  logger?: ConsensusLogger;
  /** Replaces round-robin proposer selection (a sequencer schedule); gets the height's set. */
  proposerSelection?(height: bigint, set: ValidatorSet): ProposerSelection;
  /** Opens the consensus WAL (default: the file at walPath); tests wrap it to inject write failures. */
  openWal?(path: string): { wal: Wal; records: WalRecord[] };
  /** Wall clock in ms since the epoch (tests). */
  now?(): number;
  /**
   * A failure the node cannot recover from in place (a block executed but not written):
   * the node must stop loudly rather than stall. Consensus stops either way (logged as an error).
   */
  onFatal?(error: unknown): void;
}

export interface ConsensusStatus {
  height: bigint;
  round: number;
  step: string;
  /** The task consensus is running now, and for how long (absent when idle). */
  busy?: { task: string; runningMs: number };
  /** Tasks waiting behind it. */
  queued?: number;
}

export interface ConsensusDriver {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Last committed height. */
  readonly height: bigint;
  readonly validators: Validator[];
  status(): ConsensusStatus;
  /**
   * Block sync: commits `block` if it is the next height and `commit` proves it; returns
   * why not otherwise (undefined when applied).
   */
  applySyncedBlock(block: Block, commit: Commit): Promise<string | undefined>;
}

export const DEFAULT_TIMEOUTS: TimeoutConfig = {
  proposeMs: 3000,
  proposeDeltaMs: 500,
  prevoteMs: 1000,
  prevoteDeltaMs: 500,
  precommitMs: 1000,
  precommitDeltaMs: 500,
  commitMs: 200,
};

export type { Database, MessageOrigin };
