/**
 * Storage contracts. The state machine works on a synchronous `KVStore` (the latest
 * state is held in memory and persisted per block), while disk access — RocksDB, past
 * heights, proofs — is asynchronous. Everything that one block changes (state tree
 * nodes, values, the block itself, tx results, indexes) goes into one `WriteBatch`
 * written atomically, so a crash leaves the node at its last committed height.
 */

import type { FinalizeBlockResponse } from "../types/abci.js";
import type { Block, BlockId, Commit, Header, Validator } from "../types/block.js";
import type { WriteBatch } from "../types/batch.js";

/** Synchronous ordered key-value view used by the state machine. Keys compare as unsigned bytes. */
export interface KVStore {
  get(key: Uint8Array): Uint8Array | undefined;
  has(key: Uint8Array): boolean;
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
  /** Entries with start <= key < end in key order (reverse: descending). Undefined bounds are open. */
  iterator(start?: Uint8Array, end?: Uint8Array, reverse?: boolean): IterableIterator<[Uint8Array, Uint8Array]>;
}

/** A cache over a parent store: writes stay here until `write()`; dropping it discards them. */
export interface BranchStore extends KVStore {
  /** Applies this branch's writes to the parent, in key order. */
  write(): void;
  /** Number of keys written or deleted in this branch (for gas and metrics). */
  readonly dirtySize: number;
}

/** A batch of disk writes applied atomically by `write()`. */
export type { WriteBatch } from "../types/batch.js";

/** The raw on-disk database (RocksDB in production, memory in unit tests). */
export interface Database {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  getMany(keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  put(key: Uint8Array, value: Uint8Array): Promise<void>;
  batch(): WriteBatch;
  /** Async range scan with the same bounds semantics as `KVStore.iterator`. */
  iterate(options: {
    start?: Uint8Array;
    end?: Uint8Array;
    reverse?: boolean;
    limit?: number;
  }): AsyncIterableIterator<[Uint8Array, Uint8Array]>;
  close(): Promise<void>;
  /** What the database engine holds in memory and on disk (RocksDB; an in-memory database has none). */
  stats?(): DatabaseStats;
}

/** A database engine's memory and disk, in bytes, as the engine itself counts them. */
export interface DatabaseStats {
  /** Write buffers not yet flushed to files (at most two of WRITE_BUFFER_BYTES). */
  readonly memtableBytes: number;
  /** Index and filter blocks of the open files: grows with the data, not bounded by a cache. */
  readonly tableReaderBytes: number;
  /** Data blocks cached for reads (bounded by the block cache's capacity). */
  readonly blockCacheBytes: number;
  /** The live data files on disk. */
  readonly sstFileBytes: number;
}

export interface ExistenceProof {
  readonly kind: "exist";
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** Implementation-defined encoded proof steps; verified by `verifyProof` in chain/store. */
  readonly steps: Uint8Array;
}

export interface NonExistenceProof {
  readonly kind: "nonexist";
  readonly key: Uint8Array;
  readonly steps: Uint8Array;
}

export type StateProof = ExistenceProof | NonExistenceProof;

/**
 * The versioned, authenticated application state. Version N is the state after block N;
 * its root is the app hash that block N+1's header carries.
 */
export interface StateStore {
  /** Last committed version (0 before the first block). */
  readonly version: number;
  /** Root hash of the last committed version. */
  readonly root: Uint8Array;
  /** The working state: committed state plus this block's uncommitted writes. */
  readonly working: KVStore;
  /** The root the working state would commit to, without persisting anything. */
  workingRoot(): Uint8Array;
  /** Makes the working state version `version`, puts its nodes and values into `batch`. Returns the new root. */
  commit(batch: WriteBatch, version: number): Uint8Array;
  /** Discards the uncommitted writes of the working state. */
  rollback(): void;
  /** Reads a key at a past committed version, with a proof against that version's root. */
  getAt(
    key: Uint8Array,
    version: number,
  ): Promise<{ value: Uint8Array | undefined; proof: StateProof; root: Uint8Array }>;
  /** Oldest version still readable (older ones are pruned). */
  readonly earliestVersion: number;
}

export interface BlockMeta {
  blockId: BlockId;
  blockSize: number;
  header: Header;
  numTxs: number;
}

/** Read side of the block store, used by RPC, block sync and the node. Heights are bigint as in headers. */
export interface BlockStoreReader {
  /** Lowest stored height (0n if empty). */
  readonly base: bigint;
  /** Highest stored height (0n if empty). */
  readonly height: bigint;
  loadBlock(height: bigint): Promise<Block | undefined>;
  loadBlockMeta(height: bigint): Promise<BlockMeta | undefined>;
  loadBlockByHash(hash: Uint8Array): Promise<Block | undefined>;
  /** The commit for `height`: from block height+1's last_commit, or the seen commit for the latest block. */
  loadCommit(height: bigint): Promise<Commit | undefined>;
  loadBlockResults(height: bigint): Promise<FinalizeBlockResponse | undefined>;
  /** The validator set that signed block `height`. */
  loadValidators(height: bigint): Promise<Validator[] | undefined>;
}
