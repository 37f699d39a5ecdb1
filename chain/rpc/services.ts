/**
 * What the RPC server needs from the node. The node (chain/node) builds these from its
 * real components; tests build small fakes. Each member is as narrow as the methods that
 * use it.
 */
import type { MarketDataIndex } from "../indexer/marketData.js";
import type { MarketFeed } from "../indexer/marketFeed.js";
import type { EventBus, TxIndexer } from "../indexer/types.js";
import type { BlockStoreReader } from "../store/types.js";
import type { InfoResponse, QueryRequest, QueryResponse, TxResult } from "../types/abci.js";

/** The CometBFT version reported in `status`: @cosmjs picks its client (Comet38Client) by its "0.38." prefix. */
export const COMET_VERSION = "0.38.17";
/** CometBFT 0.38's protocol versions: p2p 8, block 11. */
export const PROTOCOL_VERSION = { p2p: 8n, block: 11n } as const;

export interface NodeInfo {
  /** Hex node id (first 20 bytes of sha256 of the node's p2p key). */
  id: string;
  listenAddr: string;
  /** The chain id. */
  network: string;
  /** App protocol version (`version.app` of headers). */
  appVersion: bigint;
  /** Hex list of p2p channel ids. */
  channels: string;
  moniker: string;
  txIndex: "on" | "off";
  rpcAddress: string;
}

export interface ValidatorInfo {
  /** 20-byte consensus address. */
  address: Uint8Array;
  /** ed25519 public key, 32 bytes. */
  pubKey: Uint8Array;
  /** 0 when this node is not a validator. */
  votingPower: bigint;
}

export interface NodeStatus {
  nodeInfo(): NodeInfo;
  validatorInfo(): ValidatorInfo;
  isCatchingUp(): boolean;
  /** Connected peers, for `net_info` (empty for a single node). */
  peers(): PeerInfo[];
}

export interface PeerInfo {
  nodeId: string;
  moniker: string;
  remoteIp: string;
  isOutbound: boolean;
}

export interface AppQuerier {
  info(): InfoResponse;
  query(req: QueryRequest): Promise<QueryResponse>;
}

export interface MempoolView {
  /** CheckTx and admission; code 0 means admitted. */
  checkAndAdd(tx: Uint8Array): TxResult | Promise<TxResult>;
  size(): number;
  sizeBytes(): number;
  txs(limit: number): Uint8Array[];
}

export interface RpcServices {
  node: NodeStatus;
  app: AppQuerier;
  blocks: BlockStoreReader;
  txIndexer: TxIndexer;
  eventBus: EventBus;
  mempool: MempoolView;
  /** The genesis document as CometBFT's JSON (genesis_time, chain_id, initial_height, consensus_params, validators, app_hash, app_state). */
  genesis(): unknown;
  /** Soft finality (chain/sequencer); absent in tests that build a bare server. */
  sequencer?: SequencerView;
  /** Candles, the trade tape and live market topics (chain/indexer/marketData.ts, marketFeed.ts). */
  marketData?: MarketDataView;
}

export interface MarketDataView {
  index: MarketDataIndex;
  feed: MarketFeed;
}

/** What RPC shows of the sequencer: receipts as JSON (chain/sequencer/receiptJson.ts) and the current epoch. */
export interface SequencerView {
  /** The tx's receipt, waiting up to waitMs for it to arrive; undefined when there is none. */
  receipt(txHash: Uint8Array, waitMs: number): Promise<unknown>;
  /** Why there is no receipt after waiting waitedMs for a tx CheckTx admitted (or not) here (chain/sequencer/missingReceipt.ts). */
  missingReceipt?(admitted: boolean, waitedMs: number): unknown;
  info(): unknown;
  /** The tx's finality ladder (chain/sequencer/ladderJson.ts); undefined when this node has not seen it. */
  txStatus?(txHash: Uint8Array): unknown;
  /** The highest heights checkpointed and settled on L1 as this node has read them (chain/sequencer/ladderJson.ts). */
  l1Finality?(): unknown;
  /**
   * A module query on the sequencer's speculative state, here or forwarded to the sequencer
   * (`relayedFrom`); `unavailable` says why no answer came, undefined: this node is not
   * sequencing now and cannot ask. Throws when the query itself is refused.
   */
  speculativeQuery?(path: string, data: Uint8Array): Promise<SpeculativeQueryAnswer>;
}

/** A speculative query's answer: a value (with the sequencer it was forwarded from), why none came, or undefined (nobody to ask). */
export type SpeculativeQueryAnswer =
  { height: bigint; value: Uint8Array; relayedFrom?: string } | { unavailable: string } | undefined;
