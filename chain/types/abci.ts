/**
 * The boundary between consensus and the state machine, shaped after ABCI 2.0 so that
 * CometBFT's vocabulary (and its RPC shapes) carry over. Consensus and the node call an
 * `Application`; the runtime implements it. All calls are synchronous: the latest state
 * lives in memory, and persistence happens through the `WriteBatch` given to `commit`.
 */
import type { WriteBatch } from "./batch.js";

export interface EventAttribute {
  key: string;
  value: string;
  index: boolean;
}

export interface AbciEvent {
  type: string;
  attributes: EventAttribute[];
}

/** One tx's outcome, as CometBFT's ExecTxResult / ResponseCheckTx. */
export interface TxResult {
  code: number;
  codespace: string;
  log: string;
  info: string;
  data: Uint8Array;
  gasWanted: bigint;
  gasUsed: bigint;
  events: AbciEvent[];
}

export interface Timestamp {
  seconds: bigint;
  nanos: number;
}

export interface ValidatorUpdate {
  /** ed25519 consensus public key (32 bytes). */
  pubKey: Uint8Array;
  power: bigint;
}

export interface ConsensusParams {
  block: { maxBytes: bigint; maxGas: bigint };
  evidence: { maxAgeNumBlocks: bigint; maxAgeDurationNs: bigint; maxBytes: bigint };
  validator: { pubKeyTypes: string[] };
}

export interface InitChainRequest {
  chainId: string;
  time: Timestamp;
  initialHeight: bigint;
  consensusParams: ConsensusParams;
  validators: ValidatorUpdate[];
  /** The genesis file's `app_state`, as parsed JSON. */
  appState: unknown;
}

export interface InitChainResponse {
  validators: ValidatorUpdate[];
  appHash: Uint8Array;
}

export interface InfoResponse {
  data: string;
  version: string;
  appVersion: bigint;
  lastBlockHeight: bigint;
  lastBlockAppHash: Uint8Array;
}

export type CheckTxKind = "new" | "recheck";

export interface FinalizeBlockRequest {
  txs: Uint8Array[];
  height: bigint;
  time: Timestamp;
  /** Block hash. */
  hash: Uint8Array;
  proposerAddress: Uint8Array;
  /** Equivocation evidence committed in this block. */
  misbehavior: Misbehavior[];
  /** Who signed the previous block (its commit in this block), by the previous height's set. Empty at the initial height. */
  decidedLastCommit?: LastCommitInfo;
  /** The header's last_results_hash (the previous height's results root): lets the state keep recent roots. */
  lastResultsHash?: Uint8Array;
  /** The header's last_block_id hash (block height-1's hash); checkpoints record it. */
  lastBlockHash?: Uint8Array;
}

/** One validator's vote in a block's last commit. */
export interface VoteInfo {
  /** Consensus address: sha256(pubkey)[:20]. */
  validatorAddress: Uint8Array;
  power: bigint;
  /** False when the commit has no precommit of this validator for the block (absent or nil). */
  signed: boolean;
}

export interface LastCommitInfo {
  votes: readonly VoteInfo[];
}

export type MisbehaviorType = "duplicate_vote" | "light_client_attack";

/** Evidence of equivocation that consensus committed in a block. */
export interface Misbehavior {
  type: MisbehaviorType;
  validatorAddress: Uint8Array;
  /** The validator's power at the infraction height. */
  power: bigint;
  height: bigint;
  time: Timestamp;
  totalVotingPower: bigint;
}

export interface FinalizeBlockResponse {
  events: AbciEvent[];
  txResults: TxResult[];
  validatorUpdates: ValidatorUpdate[];
  /** The app hash after this block (carried by the next block's header). */
  appHash: Uint8Array;
}

export interface QueryRequest {
  path: string;
  data: Uint8Array;
  /** 0 = latest committed. */
  height: bigint;
  prove: boolean;
}

export interface QueryResponse {
  code: number;
  codespace: string;
  log: string;
  info: string;
  index: bigint;
  key: Uint8Array;
  value: Uint8Array;
  /** CometBFT ProofOps, serialised per op as { type, key, data }. */
  proofOps: { type: string; key: Uint8Array; data: Uint8Array }[];
  height: bigint;
}

export interface Application {
  info(): InfoResponse;
  initChain(req: InitChainRequest): InitChainResponse;
  /** Mempool admission: decode, verify signatures (cached by tx hash), check fees and sequence. */
  checkTx(tx: Uint8Array, kind: CheckTxKind): TxResult;
  /** Chooses the txs of a block this node proposes, in order, within maxBytes. */
  prepareProposal(txs: Uint8Array[], maxBytes: number): Uint8Array[];
  /** Validates a block proposed by another node before voting for it. */
  processProposal(txs: Uint8Array[], height: bigint): boolean;
  /** Executes a decided block. Deterministic: same blocks, same results and app hash. */
  finalizeBlock(req: FinalizeBlockRequest): FinalizeBlockResponse;
  /** Puts the state changes of the finalized block into `batch`; the caller writes it with the block. */
  commit(batch: WriteBatch): { retainHeight: bigint };
  query(req: QueryRequest): Promise<QueryResponse>;
}
