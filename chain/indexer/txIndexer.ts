/**
 * The tx index behind `tx` and `tx_search`, CometBFT's "kv" indexer: txs by hash, by
 * position (height, index) and by every indexed event attribute. A search evaluates each
 * condition to the set of positions that satisfy it and intersects the sets, so
 * `total_count` is exact and pages are stable.
 */
import { sha256 } from "../crypto/hash.js";
import type { Database, WriteBatch } from "../store/types.js";
import type { TxResult } from "../types/abci.js";
import { fromHex, prefixEnd, toHex } from "../types/bytes.js";
import { EVENT_TYPE_KEY, TX_HASH_KEY, TX_HEIGHT_KEY } from "./events.js";
import {
  POSITION_BYTES,
  TX_BY_POSITION,
  attributeKeyWriter,
  attributePrefix,
  parseAttributeKey,
  positionBytes,
  txByHashKey,
  txByPositionKey,
} from "./keys.js";
import { matchesValue, parseQuery, type QueryCondition } from "./query.js";
import { decodeTxRecord, encodeTxRecord } from "./txRecord.js";
import type { IndexedTx, TxIndexer, TxSearchOptions } from "./types.js";

/** Position (hex of height|index, which sorts like the bytes) → tx hash. */
type Hits = Map<string, Uint8Array>;

export async function openTxIndexer(db: Database): Promise<TxIndexer> {
  return {
    index: (batch, height, txs, results) => indexBlock(batch, height, txs, results),
    getByHash: async (hash) => {
      const bytes = await db.get(txByHashKey(hash));
      return bytes === undefined ? undefined : decodeTxRecord(bytes);
    },
    search: (query, options) => search(db, query, options),
  };
}

/** Composite key → its key builder; the set of composite keys is small and fixed by the modules. */
const keyWriters = new Map<string, ReturnType<typeof attributeKeyWriter>>();
const MAX_KEY_WRITERS = 4096;

function keyWriterOf(compositeKey: string): ReturnType<typeof attributeKeyWriter> {
  let writer = keyWriters.get(compositeKey);
  if (writer === undefined) {
    if (keyWriters.size >= MAX_KEY_WRITERS) keyWriters.clear();
    writer = attributeKeyWriter(compositeKey);
    keyWriters.set(compositeKey, writer);
  }
  return writer;
}

function indexBlock(batch: WriteBatch, height: bigint, txs: Uint8Array[], results: TxResult[]): void {
  txs.forEach((tx, index) => {
    const result = results[index];
    // FinalizeBlock returns one result per tx; a missing one means there is nothing to index.
    if (result === undefined) return;
    const hash = sha256(tx);
    batch.put(txByHashKey(hash), encodeTxRecord(height, index, tx, result));
    batch.put(txByPositionKey(height, index), hash);
    // One entry per distinct (composite key, value) of the tx's indexed attributes.
    const seen = new Map<string, Set<string>>();
    for (const event of result.events) {
      if (event.type === "") continue;
      for (const attr of event.attributes) {
        if (attr.key === "" || !attr.index) continue;
        const compositeKey = `${event.type}.${attr.key}`;
        let values = seen.get(compositeKey);
        if (values === undefined) seen.set(compositeKey, (values = new Set()));
        else if (values.has(attr.value)) continue;
        values.add(attr.value);
        batch.put(keyWriterOf(compositeKey)(attr.value, height, index), hash);
      }
    }
  });
}

async function search(
  db: Database,
  text: string,
  options: TxSearchOptions,
): Promise<{ txs: IndexedTx[]; totalCount: number }> {
  const query = parseQuery(text);
  // `tm.event` is a subscription key; every indexed entry is a tx, so it filters nothing here.
  const conditions = query.conditions.filter((c) => c.key !== EVENT_TYPE_KEY);
  let hits: Hits | undefined;
  for (const condition of orderBySelectivity(conditions)) {
    const next = await evaluate(db, condition, hits);
    hits = hits === undefined ? next : intersect(hits, next);
    if (hits.size === 0) break;
  }
  hits ??= await scanPositions(db, 0n, undefined, () => true);

  const positions = [...hits.keys()].sort();
  if (options.orderBy === "desc") positions.reverse();
  const start = (options.page - 1) * options.perPage;
  const pageHashes = positions.slice(start, start + options.perPage).map((p) => hits.get(p)!);
  const records = await db.getMany(pageHashes.map(txByHashKey));
  const txs: IndexedTx[] = [];
  for (const record of records) if (record !== undefined) txs.push(decodeTxRecord(record));
  return { txs, totalCount: positions.length };
}

/** Cheap, narrow conditions first: a hash lookup, then exact attribute values, then ranges. */
function orderBySelectivity(conditions: QueryCondition[]): QueryCondition[] {
  const rank = (c: QueryCondition): number => {
    if (c.key === TX_HASH_KEY && c.op === "=") return 0;
    if (c.op === "=" && c.value?.kind === "string") return 1;
    if (c.key === TX_HEIGHT_KEY) return 2;
    return 3;
  };
  return [...conditions].sort((a, b) => rank(a) - rank(b));
}

function intersect(a: Hits, b: Hits): Hits {
  const out: Hits = new Map();
  for (const [k, v] of a) if (b.has(k)) out.set(k, v);
  return out;
}

async function evaluate(db: Database, c: QueryCondition, current: Hits | undefined): Promise<Hits> {
  if (c.key === TX_HASH_KEY) return evaluateHash(db, c, current);
  if (c.key === TX_HEIGHT_KEY) {
    const [from, to] = heightBounds(c);
    return scanPositions(db, from, to, (height) => matchesValue(c, height.toString()));
  }
  if (c.op === "=" && c.value?.kind === "string")
    return scanAttribute(db, attributePrefix(c.key, c.value.value), () => true);
  return scanAttribute(db, attributePrefix(c.key), (value) => matchesValue(c, value));
}

async function evaluateHash(db: Database, c: QueryCondition, current: Hits | undefined): Promise<Hits> {
  const hits: Hits = new Map();
  if (c.op === "=" && c.value?.kind === "string") {
    let hash: Uint8Array;
    try {
      hash = fromHex(c.value.value);
    } catch {
      return hits;
    }
    const record = await db.get(txByHashKey(hash));
    if (record !== undefined) {
      const tx = decodeTxRecord(record);
      hits.set(toHex(positionBytes(tx.height, tx.index)), tx.hash);
    }
    return hits;
  }
  // Other operators on the hash (CONTAINS, EXISTS) are rare: filter what we already have, or scan.
  const candidates = current ?? (await scanPositions(db, 0n, undefined, () => true));
  for (const [position, hash] of candidates) {
    if (matchesValue(c, toHex(hash).toUpperCase())) hits.set(position, hash);
  }
  return hits;
}

/** Inclusive start and exclusive end heights that can satisfy a tx.height condition (exactness is filtered later). */
function heightBounds(c: QueryCondition): [bigint, bigint | undefined] {
  if (c.value?.kind !== "number") return [0n, undefined];
  const text = c.value.value;
  const dot = text.indexOf(".");
  let floor = BigInt(dot < 0 ? text : text.slice(0, dot));
  if (text.startsWith("-") && dot >= 0 && /[1-9]/.test(text.slice(dot + 1))) floor -= 1n;
  const clamp = (h: bigint): bigint => (h < 0n ? 0n : h);
  switch (c.op) {
    case "=":
      return [clamp(floor), clamp(floor + 1n)];
    case ">":
    case ">=":
      return [clamp(floor), undefined];
    case "<":
    case "<=":
      return [0n, clamp(floor + 1n)];
    default:
      return [0n, undefined];
  }
}

async function scanPositions(
  db: Database,
  from: bigint,
  to: bigint | undefined,
  keep: (height: bigint) => boolean,
): Promise<Hits> {
  const hits: Hits = new Map();
  const end = to === undefined ? prefixEnd(Uint8Array.of(TX_BY_POSITION)) : txByPositionKey(to);
  for await (const [key, hash] of db.iterate({ start: txByPositionKey(from), ...(end ? { end } : {}) })) {
    const position = key.subarray(1, 1 + POSITION_BYTES);
    const height = new DataView(position.buffer, position.byteOffset, 8).getBigUint64(0);
    if (keep(height)) hits.set(toHex(position), hash);
  }
  return hits;
}

async function scanAttribute(db: Database, prefix: Uint8Array, keep: (value: string) => boolean): Promise<Hits> {
  const hits: Hits = new Map();
  const end = prefixEnd(prefix);
  // The prefix ends before the value length when only the composite key is given.
  const keyPrefixLength = 1 + 2 + new DataView(prefix.buffer, prefix.byteOffset).getUint16(1);
  for await (const [key, hash] of db.iterate({ start: prefix, ...(end ? { end } : {}) })) {
    const { value, position } = parseAttributeKey(key, keyPrefixLength);
    if (keep(value)) hits.set(toHex(position), hash);
  }
  return hits;
}
