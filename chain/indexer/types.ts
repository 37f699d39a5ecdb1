import type { AbciEvent, FinalizeBlockResponse, TxResult } from "../types/abci.js";
import type { Block, BlockId, Header } from "../types/block.js";
import type { WriteBatch } from "../store/types.js";
import type { EventMap } from "./query.js";

/** A committed tx as the index returns it. */
export interface IndexedTx {
  /** sha256 of the tx bytes. */
  hash: Uint8Array;
  height: bigint;
  /** Position of the tx in its block. */
  index: number;
  tx: Uint8Array;
  result: TxResult;
}

export interface TxSearchOptions {
  /** 1-based. */
  page: number;
  perPage: number;
  orderBy: "asc" | "desc";
}

export interface TxIndexer {
  /** Adds the block's txs and the height reached to `batch`; the caller writes it (after the block's own). */
  index(batch: WriteBatch, height: bigint, txs: Uint8Array[], results: TxResult[]): void;
  /**
   * `index` in steps: it yields after every `sliceTxs` txs, so that the caller can let other
   * work run between them (indexQueue.ts). The entries go into `batch` as with `index`; the
   * caller writes it once, after the last step.
   */
  indexInSlices(
    batch: WriteBatch,
    height: bigint,
    txs: Uint8Array[],
    results: TxResult[],
    sliceTxs: number,
  ): Generator<void, void, void>;
  /** The last height indexed (0 when none). */
  readonly height: bigint;
  /** The lowest height whose txs may still be indexed (0 when nothing was pruned). */
  readonly base: bigint;
  /** Deletes the entries of every height below `height`, in batches of its own (the block store's pruning follows). */
  pruneBelow(height: bigint): Promise<void>;
  getByHash(hash: Uint8Array): Promise<IndexedTx | undefined>;
  search(query: string, options: TxSearchOptions): Promise<{ txs: IndexedTx[]; totalCount: number }>;
}

/** What the event bus carries; `chain/rpc/render` turns it into CometBFT's JSON. */
export type EventData =
  | { type: "NewBlock"; block: Block; blockId: BlockId; resultFinalizeBlock: FinalizeBlockResponse }
  | { type: "NewBlockHeader"; header: Header }
  | { type: "NewBlockEvents"; height: bigint; events: AbciEvent[]; numTxs: number }
  | { type: "Tx"; tx: IndexedTx }
  /**
   * Strike's soft-finality news (chain/sequencer, wired by the node): a receipt reached a
   * stage (`Receipt`), or a tx climbed its finality ladder (`TxStatus`). `value` is already
   * JSON; `attributes` are the composite keys a `subscribe` query matches.
   */
  | { type: "Receipt" | "TxStatus"; value: unknown; attributes: ReadonlyMap<string, readonly string[]> };

export type EventType = EventData["type"];

export interface EventMessage {
  /** The subscription's query text, as the subscriber gave it. */
  query: string;
  data: EventData;
  /** Composite keys (including `tm.event`) of the published event. */
  events: EventMap;
}

export interface SubscribeOptions {
  /** Messages held for this subscription before it is dropped as too slow. */
  capacity?: number;
  /** Called once if the bus cancels the subscription (too slow, or the bus closed). */
  onCancel?: (reason: Error) => void;
}

export type EventHandler = (msg: EventMessage) => void | Promise<void>;

export interface EventBus {
  /** Throws `indexerErrors.invalidQuery`, `tooManySubscriptions`, `alreadySubscribed` or `tooManyClients`. */
  subscribe(subscriberId: string, query: string, handler: EventHandler, options?: SubscribeOptions): void;
  unsubscribe(subscriberId: string, query: string): void;
  unsubscribeAll(subscriberId: string): void;
  publish(data: EventData): void;
  numClients(): number;
  /**
   * Whether any subscription could match an event of this type (`tm.event`): false when every
   * query names another type, so a publisher can skip building an event nobody would get.
   */
  wants(eventType: string): boolean;
  numClientSubscriptions(subscriberId: string): number;
  /** Cancels every subscription. */
  close(): void;
}
