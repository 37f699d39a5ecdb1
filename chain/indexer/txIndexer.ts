/**
 * The tx index behind `tx` and `tx_search`, answering what CometBFT's "kv" indexer answers:
 * txs by hash, by height and by every indexed event attribute, in the lean layout of
 * keys.ts (one record per tx, per-block posting lists). `index` writes a block into a batch
 * with the height it reached; the node writes it after the block's commit (indexQueue.ts).
 */
import { txHash } from "../crypto/txHash.js";
import type { Database, WriteBatch } from "../store/types.js";
import type { TxResult } from "../types/abci.js";
import { latin1, prefixEnd, readU64be, u64be, writeU32be } from "../types/bytes.js";
import {
  BLOCK_ENTRY_BYTES,
  INDEX_BASE,
  INDEXED_HEIGHT,
  LEGACY_TX_BY_ATTRIBUTE,
  LEGACY_TX_BY_POSITION,
  blockTxsKey,
  encodeIndexes,
  postingKeyWriter,
  txByHashKey,
} from "./keys.js";
import { searchTxs } from "./txSearch.js";
import { decodeTxRecord, encodeTxRecord } from "./txRecord.js";
import type { TxIndexer } from "./types.js";

/** Composite key → its key builder; the set of composite keys is small and fixed by the modules. */
const keyWriters = new Map<string, ReturnType<typeof postingKeyWriter>>();
const MAX_KEY_WRITERS = 4096;

function keyWriterOf(compositeKey: string): ReturnType<typeof postingKeyWriter> {
  let writer = keyWriters.get(compositeKey);
  if (writer === undefined) {
    if (keyWriters.size >= MAX_KEY_WRITERS) keyWriters.clear();
    writer = postingKeyWriter(compositeKey);
    keyWriters.set(compositeKey, writer);
  }
  return writer;
}

const INDEXED_HEIGHT_KEY = Uint8Array.of(INDEXED_HEIGHT);
const INDEX_BASE_KEY = Uint8Array.of(INDEX_BASE);
/** Heights whose entries one prune batch deletes (a height holds up to a block's txs). */
const PRUNE_BATCH_HEIGHTS = 16;

export async function openTxIndexer(db: Database): Promise<TxIndexer> {
  const stored = await db.get(INDEXED_HEIGHT_KEY);
  let height = stored === undefined ? 0n : readU64be(stored, 0);
  if (stored === undefined) await dropLegacyEntries(db);
  const storedBase = await db.get(INDEX_BASE_KEY);
  let base = storedBase === undefined ? 0n : readU64be(storedBase, 0);
  function* indexInSlices(
    batch: WriteBatch,
    h: bigint,
    txs: Uint8Array[],
    results: TxResult[],
    sliceTxs: number,
  ): Generator<void, void, void> {
    yield* indexBlock(batch, h, txs, results, sliceTxs);
    if (h > height) {
      batch.put(INDEXED_HEIGHT_KEY, u64be(h));
      height = h;
    }
  }
  return {
    indexInSlices,
    index(batch, h, txs, results) {
      for (const _ of indexInSlices(batch, h, txs, results, Number.POSITIVE_INFINITY));
    },
    get height() {
      return height;
    },
    get base() {
      return base;
    },
    async pruneBelow(to) {
      while (base < to) {
        const end = to - base > BigInt(PRUNE_BATCH_HEIGHTS) ? base + BigInt(PRUNE_BATCH_HEIGHTS) : to;
        const batch = db.batch();
        await pruneHeights(db, batch, base, end);
        batch.put(INDEX_BASE_KEY, u64be(end));
        await batch.write();
        base = end;
      }
    },
    getByHash: async (hash) => {
      const bytes = await db.get(txByHashKey(hash));
      return bytes === undefined ? undefined : decodeTxRecord(bytes);
    },
    search: (query, options) => searchTxs(db, query, options),
  };
}

/**
 * An index written by an earlier layout has no height mark: its per-tx position and
 * attribute entries are dropped (its records stay, byte for byte what a rebuild writes),
 * and the index starts again from height 0, to be rebuilt from the block store.
 */
async function dropLegacyEntries(db: Database): Promise<void> {
  const start = Uint8Array.of(LEGACY_TX_BY_POSITION);
  const end = prefixEnd(Uint8Array.of(LEGACY_TX_BY_ATTRIBUTE))!;
  let batch = db.batch();
  for await (const [key] of db.iterate({ start, end })) {
    batch.del(key);
    if (batch.length >= 10_000) {
      await batch.write();
      batch = db.batch();
    }
  }
  if (batch.length > 0) await batch.write();
}

/**
 * Composite keys by event type and attribute key. Every tx of a block repeats the same few
 * dozen pairs: the string is made (and its hash, as a map key, computed) once, not once per
 * attribute of every tx (~3.4 KB of short strings a bank send). Bounded like keyWriters.
 */
const compositeKeys = new Map<string, Map<string, string>>();

function compositeKeyOf(type: string, key: string): string {
  let byKey = compositeKeys.get(type);
  if (byKey === undefined) {
    if (compositeKeys.size >= MAX_KEY_WRITERS) compositeKeys.clear();
    compositeKeys.set(type, (byKey = new Map()));
  }
  let composite = byKey.get(key);
  if (composite === undefined) {
    if (byKey.size >= MAX_KEY_WRITERS) byKey.clear();
    byKey.set(key, (composite = `${type}.${key}`));
  }
  return composite;
}

/** Every attribute of a result that the index lists, as its composite key ("type.key") and value: what indexing writes and pruning deletes. */
function forEachIndexed(result: TxResult, fn: (compositeKey: string, value: string) => void): void {
  for (const event of result.events) {
    if (event.type === "") continue;
    for (const attr of event.attributes) {
      if (attr.key === "" || !attr.index) continue;
      fn(compositeKeyOf(event.type, attr.key), attr.value);
    }
  }
}

/**
 * Deletes, into `batch`, what heights [from, to) put in the index: their tx lists, their
 * records, and their posting lists, found again from the records' events. A record that a
 * later height holds now (the same tx bytes committed again) is left as it is.
 */
async function pruneHeights(db: Database, batch: WriteBatch, from: bigint, to: bigint): Promise<void> {
  const heights: bigint[] = [];
  for (let h = from; h < to; h++) heights.push(h);
  const lists = await db.getMany(heights.map(blockTxsKey));
  const hashes: Uint8Array[] = [];
  for (const [i, list] of lists.entries()) {
    if (list === undefined) continue;
    batch.del(blockTxsKey(heights[i]!));
    for (let o = 0; o + BLOCK_ENTRY_BYTES <= list.length; o += BLOCK_ENTRY_BYTES)
      hashes.push(list.subarray(o + 4, o + BLOCK_ENTRY_BYTES));
  }
  const records = await db.getMany(hashes.map(txByHashKey));
  const postings = new Set<string>();
  for (const [i, bytes] of records.entries()) {
    if (bytes === undefined) continue;
    const tx = decodeTxRecord(bytes);
    if (tx.height < from || tx.height >= to) continue;
    batch.del(txByHashKey(hashes[i]!));
    forEachIndexed(tx.result, (compositeKey, value) => {
      const key = keyWriterOf(compositeKey)(value, tx.height);
      const id = latin1(key);
      if (postings.has(id)) return;
      postings.add(id);
      batch.del(key);
    });
  }
}

/**
 * Puts the block's entries into `batch`, yielding after every `sliceTxs` txs. A block's
 * posting lists gather every tx of it, so they are put after the last slice.
 */
function* indexBlock(
  batch: WriteBatch,
  height: bigint,
  txs: Uint8Array[],
  results: TxResult[],
  sliceTxs: number,
): Generator<void, void, void> {
  const list = new Uint8Array(txs.length * BLOCK_ENTRY_BYTES);
  let listed = 0;
  // composite key → value → the block's tx indexes carrying it, ascending.
  const postings = new Map<string, Map<string, number[]>>();
  for (let index = 0; index < txs.length; index++) {
    if (index > 0 && index % sliceTxs === 0) yield;
    const tx = txs[index]!;
    const result = results[index];
    // FinalizeBlock returns one result per tx; a missing one means there is nothing to index.
    if (result === undefined) continue;
    const hash = txHash(tx);
    batch.put(txByHashKey(hash), encodeTxRecord(height, index, tx, result));
    writeU32be(list, listed * BLOCK_ENTRY_BYTES, index);
    list.set(hash, listed * BLOCK_ENTRY_BYTES + 4);
    listed++;
    forEachIndexed(result, (compositeKey, value) => {
      let byValue = postings.get(compositeKey);
      if (byValue === undefined) postings.set(compositeKey, (byValue = new Map()));
      const indexes = byValue.get(value);
      if (indexes === undefined) byValue.set(value, [index]);
      // A tx lists a value once however many of its events carry it.
      else if (indexes[indexes.length - 1] !== index) indexes.push(index);
    });
  }
  if (listed === 0) return;
  batch.put(blockTxsKey(height), list.subarray(0, listed * BLOCK_ENTRY_BYTES));
  for (const [compositeKey, byValue] of postings) {
    const keyOf = keyWriterOf(compositeKey);
    for (const [value, indexes] of byValue) batch.put(keyOf(value, height), encodeIndexes(indexes));
  }
}
