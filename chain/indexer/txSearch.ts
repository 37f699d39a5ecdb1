/**
 * `tx_search` over the posting-list index (keys.ts): each condition evaluates to the set of
 * tx positions (height, index) that satisfy it, the sets are intersected, so `total_count`
 * is exact and pages are stable; only the page's txs are then looked up (hash from the
 * block's tx list, record by hash).
 */
import type { Database } from "../store/types.js";
import { fromHex, prefixEnd, toHex } from "../types/bytes.js";
import { EVENT_TYPE_KEY, TX_HASH_KEY, TX_HEIGHT_KEY } from "./events.js";
import {
  BLOCK_TXS,
  blockTxsKey,
  decodeBlockTxs,
  decodeIndexes,
  heightOfBlockTxsKey,
  parsePostingKey,
  postingPrefix,
  txByHashKey,
} from "./keys.js";
import { matchesValue, parseQuery, type QueryCondition } from "./query.js";
import { decodeTxRecord } from "./txRecord.js";
import type { IndexedTx, TxSearchOptions } from "./types.js";

/** A position as text that sorts like (height, index): 16 hex digits of height, 8 of index. */
type Positions = Set<string>;

function position(height: bigint, index: number): string {
  return height.toString(16).padStart(16, "0") + index.toString(16).padStart(8, "0");
}

function parsePosition(p: string): { height: bigint; index: number } {
  return { height: BigInt(`0x${p.slice(0, 16)}`), index: Number.parseInt(p.slice(16), 16) };
}

export async function searchTxs(
  db: Database,
  text: string,
  options: TxSearchOptions,
): Promise<{ txs: IndexedTx[]; totalCount: number }> {
  const query = parseQuery(text);
  // `tm.event` is a subscription key; every indexed entry is a tx, so it filters nothing here.
  const conditions = query.conditions.filter((c) => c.key !== EVENT_TYPE_KEY);
  let hits: Positions | undefined;
  for (const condition of orderBySelectivity(conditions)) {
    const next = await evaluate(db, condition, hits);
    hits = hits === undefined ? next : intersect(hits, next);
    if (hits.size === 0) break;
  }
  hits ??= await scanBlocks(db, 0n, undefined, () => true);

  const positions = [...hits].sort();
  if (options.orderBy === "desc") positions.reverse();
  const start = (options.page - 1) * options.perPage;
  const page = positions.slice(start, start + options.perPage).map(parsePosition);
  const hashes = await hashesAt(db, page);
  const records = await db.getMany(hashes.filter((h) => h !== undefined).map(txByHashKey));
  const txs: IndexedTx[] = [];
  for (const record of records) if (record !== undefined) txs.push(decodeTxRecord(record));
  return { txs, totalCount: positions.length };
}

/** The hashes of txs at `positions`, from their blocks' tx lists (one read per distinct height). */
async function hashesAt(
  db: Database,
  positions: readonly { height: bigint; index: number }[],
): Promise<(Uint8Array | undefined)[]> {
  const heights = [...new Set(positions.map((p) => p.height))];
  const lists = await db.getMany(heights.map(blockTxsKey));
  const byHeight = new Map<bigint, Map<number, Uint8Array>>();
  heights.forEach((h, i) => {
    const list = lists[i];
    byHeight.set(h, new Map(list === undefined ? [] : decodeBlockTxs(list).map((e) => [e.index, e.hash])));
  });
  return positions.map((p) => byHeight.get(p.height)?.get(p.index));
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

function intersect(a: Positions, b: Positions): Positions {
  const out: Positions = new Set();
  for (const p of a) if (b.has(p)) out.add(p);
  return out;
}

async function evaluate(db: Database, c: QueryCondition, current: Positions | undefined): Promise<Positions> {
  if (c.key === TX_HASH_KEY) return evaluateHash(db, c, current);
  if (c.key === TX_HEIGHT_KEY) {
    const [from, to] = heightBounds(c);
    return scanBlocks(db, from, to, (height) => matchesValue(c, height.toString()));
  }
  if (c.op === "=" && c.value?.kind === "string")
    return scanPostings(db, postingPrefix(c.key, c.value.value), () => true);
  return scanPostings(db, postingPrefix(c.key), (value) => matchesValue(c, value));
}

async function evaluateHash(db: Database, c: QueryCondition, current: Positions | undefined): Promise<Positions> {
  const hits: Positions = new Set();
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
      hits.add(position(tx.height, tx.index));
    }
    return hits;
  }
  // Other operators on the hash (CONTAINS, EXISTS) are rare: filter what we already have, or scan.
  const candidates = [...(current ?? (await scanBlocks(db, 0n, undefined, () => true)))];
  const hashes = await hashesAt(db, candidates.map(parsePosition));
  candidates.forEach((p, i) => {
    const hash = hashes[i];
    if (hash !== undefined && matchesValue(c, toHex(hash).toUpperCase())) hits.add(p);
  });
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

/** Every indexed tx of the blocks in [from, to) whose height passes `keep`. */
async function scanBlocks(
  db: Database,
  from: bigint,
  to: bigint | undefined,
  keep: (height: bigint) => boolean,
): Promise<Positions> {
  const hits: Positions = new Set();
  const end = to === undefined ? prefixEnd(Uint8Array.of(BLOCK_TXS)) : blockTxsKey(to);
  for await (const [key, list] of db.iterate({ start: blockTxsKey(from), ...(end ? { end } : {}) })) {
    const height = heightOfBlockTxsKey(key);
    if (!keep(height)) continue;
    for (const { index } of decodeBlockTxs(list)) hits.add(position(height, index));
  }
  return hits;
}

async function scanPostings(db: Database, prefix: Uint8Array, keep: (value: string) => boolean): Promise<Positions> {
  const hits: Positions = new Set();
  const end = prefixEnd(prefix);
  // The prefix ends before the value length when only the composite key is given.
  const keyPrefixLength = 1 + 2 + new DataView(prefix.buffer, prefix.byteOffset).getUint16(1);
  for await (const [key, indexes] of db.iterate({ start: prefix, ...(end ? { end } : {}) })) {
    const { value, height } = parsePostingKey(key, keyPrefixLength);
    if (!keep(value)) continue;
    for (const index of decodeIndexes(indexes)) hits.add(position(height, index));
  }
  return hits;
}
