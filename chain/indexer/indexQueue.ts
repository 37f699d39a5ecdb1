/**
 * The tx index written after the commit, off consensus' critical path: a committed block is
 * indexed in its own batch once the block store holds it (a block's commit never waits for
 * its index), a slice of a block's txs per turn of the event loop so consensus and RPC
 * interleave.
 *
 * Nothing is lost on a crash: the block store is the source, the in-memory copies only spare
 * a re-read. The index records the height it reached in the same batch as its entries; at
 * start-up (and whenever it is behind) it indexes the missing heights from the stored
 * blocks and results. Reads wait until every block the block store held when they were
 * asked is indexed, so `tx` and `tx_search` answer as if the index were written with the
 * block.
 */
import type { BlockStoreReader, Database } from "../store/types.js";
import type { TxResult } from "../types/abci.js";
import type { TxIndexer } from "./types.js";

export interface BackgroundTxIndex extends TxIndexer {
  /** A block the block store has just saved, with what it needs to be indexed without a re-read. */
  committed(height: bigint, txs: Uint8Array[], results: TxResult[]): void;
  /** Resolves once every block the block store holds now is indexed. */
  caughtUp(): Promise<void>;
  /** Finishes the block being written and stops. */
  close(): Promise<void>;
}

/** Heights of the index pruned after each indexed block at most (pruneAfterBlocks). */
const PRUNE_HEIGHTS_PER_BLOCK = 64n;

/**
 * Txs a block is indexed by per turn of the event loop. A 1,000-tx block of bank sends took
 * one ~30 ms turn (CPU profile of a saturated node), which a receipt or an RPC answer waited
 * behind; 128 of them take ~4 ms. The block's entries still go into one batch, written once.
 */
const INDEX_SLICE_TXS = 128;

/** In-memory copies kept at most (a far-behind index reads the block store instead). */
const MAX_PENDING = 256;

export function startTxIndexing(o: {
  db: Database;
  indexer: TxIndexer;
  blocks: BlockStoreReader;
  logger?: { error(msg: string, fields?: Record<string, unknown>): void };
}): BackgroundTxIndex {
  const { db, indexer, blocks } = o;
  const pending = new Map<bigint, { txs: Uint8Array[]; results: TxResult[] }>();
  const waiters: { height: bigint; resolve: () => void }[] = [];
  let written = indexer.height;
  let running: Promise<void> | undefined;
  let closed = false;

  function release(all: boolean): void {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (all || waiters[i]!.height <= written) {
        waiters[i]!.resolve();
        waiters.splice(i, 1);
      }
    }
  }

  async function indexNext(): Promise<void> {
    let h = written + 1n;
    if (h < blocks.base) h = blocks.base;
    let data = pending.get(h);
    if (data === undefined) {
      const [block, results] = await Promise.all([blocks.loadBlock(h), blocks.loadBlockResults(h)]);
      // A height the store no longer holds has nothing to index; the mark still moves past it.
      data = { txs: block?.txs ?? [], results: results?.txResults ?? [] };
    }
    const batch = db.batch();
    for (const _ of indexer.indexInSlices(batch, h, data.txs, data.results, INDEX_SLICE_TXS)) {
      await new Promise((r) => setImmediate(r));
    }
    await batch.write();
    written = h;
    for (const k of pending.keys()) if (k <= h) pending.delete(k);
    await pruneAfterBlocks();
    release(false);
  }

  async function drain(): Promise<void> {
    try {
      while (!closed && written < blocks.height) {
        await indexNext();
        await new Promise((r) => setImmediate(r));
      }
    } catch (e) {
      o.logger?.error("tx indexing failed; it resumes from the block store at the next block", { error: String(e) });
      // Readers get what is there rather than wait for ever.
      release(true);
    }
  }

  /**
   * The index keeps no height the block store has pruned (min-retain-blocks): what was indexed
   * below its base goes, at most PRUNE_HEIGHTS_PER_BLOCK heights after each block, so that a
   * node that turns retention on after a long run catches up over many blocks instead of
   * holding its readers for the whole of it.
   */
  async function pruneAfterBlocks(): Promise<void> {
    let below = blocks.base < written + 1n ? blocks.base : written + 1n;
    if (below > indexer.base + PRUNE_HEIGHTS_PER_BLOCK) below = indexer.base + PRUNE_HEIGHTS_PER_BLOCK;
    if (indexer.base < below) await indexer.pruneBelow(below);
  }

  function kick(): void {
    if (running !== undefined || closed) return;
    running = drain().finally(() => {
      running = undefined;
    });
  }

  function caughtUp(): Promise<void> {
    const target = blocks.height;
    if (written >= target || closed) return Promise.resolve();
    const done = new Promise<void>((resolve) => waiters.push({ height: target, resolve }));
    kick();
    return done;
  }

  // Catch up with what the block store holds (a crash between a block and its index, an older layout).
  kick();

  return {
    committed(height, txs, results) {
      if (height > written && pending.size < MAX_PENDING) pending.set(height, { txs, results });
      // Not in the caller's turn: the commit path goes on first.
      setImmediate(kick);
    },
    caughtUp,
    index: (batch, height, txs, results) => indexer.index(batch, height, txs, results),
    indexInSlices: (batch, height, txs, results, sliceTxs) =>
      indexer.indexInSlices(batch, height, txs, results, sliceTxs),
    get height() {
      return written;
    },
    get base() {
      return indexer.base;
    },
    pruneBelow: (height) => indexer.pruneBelow(height),
    async getByHash(hash) {
      await caughtUp();
      return indexer.getByHash(hash);
    },
    async search(query, options) {
      await caughtUp();
      return indexer.search(query, options);
    },
    async close() {
      closed = true;
      await running;
      release(true);
    },
  };
}
