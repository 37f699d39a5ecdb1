/**
 * Key layout of the tx index inside the shared database. The indexer owns prefixes
 * 0x20..0x2f (the state tree uses 0x01..0x0f, the block store 0x10..0x1f; market data
 * 0x2c..0x2f).
 *
 *   0x20 | hash                                         → record (height, index, tx, result)
 *   0x23 | height u64                                   → the block's indexed txs: (index u32 | hash)*
 *   0x24 | keyLen u16 | key | valueLen u32 | value | height u64 → posting list: index u32*, ascending
 *   0x25                                                → the last indexed height u64
 *   0x26                                                → the lowest height kept u64 (pruning, min-retain-blocks)
 *
 * Posting lists are per block: a send's ~25 indexed attributes repeat across a block's txs
 * (the action, the module, the fee collector, the fee), so a block writes one entry per
 * distinct (attribute, value) instead of one per tx and attribute. Fixed-width big-endian
 * integers make byte order equal to (height, index) order.
 *
 * Earlier layouts wrote 0x21 | height | index → hash and 0x22 | key | value | height |
 * index → hash per tx; an index found in that layout is rebuilt (txIndexer.ts).
 */
import { fromUtf8, utf8, readU32be, readU64be, writeU16be, writeU32be, writeU64be } from "../types/bytes.js";

export const TX_BY_HASH = 0x20;
export const LEGACY_TX_BY_POSITION = 0x21;
export const LEGACY_TX_BY_ATTRIBUTE = 0x22;
export const BLOCK_TXS = 0x23;
export const POSTINGS = 0x24;
export const INDEXED_HEIGHT = 0x25;
export const INDEX_BASE = 0x26;

export const HASH_BYTES = 32;
/** One entry of a block's tx list: index u32 | hash. */
export const BLOCK_ENTRY_BYTES = 4 + HASH_BYTES;

export function txByHashKey(hash: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + hash.length);
  out[0] = TX_BY_HASH;
  out.set(hash, 1);
  return out;
}

export function blockTxsKey(height: bigint): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = BLOCK_TXS;
  writeU64be(out, 1, height);
  return out;
}

export function heightOfBlockTxsKey(key: Uint8Array): bigint {
  return readU64be(key, 1);
}

/** Prefix of every posting list of one composite key; with `value`, of that exact value. */
export function postingPrefix(compositeKey: string, value?: string): Uint8Array {
  const k = utf8(compositeKey);
  const v = value === undefined ? undefined : utf8(value);
  const out = new Uint8Array(3 + k.length + (v === undefined ? 0 : 4 + v.length));
  out[0] = POSTINGS;
  writeU16be(out, 1, k.length);
  out.set(k, 3);
  if (v !== undefined) {
    writeU32be(out, 3 + k.length, v.length);
    out.set(v, 7 + k.length);
  }
  return out;
}

/**
 * Builds posting-list keys for one composite key; the key part is encoded once and reused
 * for every value and height (a block repeats the same few composite keys).
 */
export function postingKeyWriter(compositeKey: string): (value: string, height: bigint) => Uint8Array {
  const k = utf8(compositeKey);
  const head = 3 + k.length;
  const prefix = new Uint8Array(head);
  prefix[0] = POSTINGS;
  prefix[1] = k.length >>> 8;
  prefix[2] = k.length & 0xff;
  prefix.set(k, 3);
  return (value, height) => {
    // utf8() and set(), not encodeInto on a subarray: a view of a small array costs ~700 ns here.
    const v = utf8(value);
    const vLength = v.length;
    const out = new Uint8Array(head + 4 + vLength + 8);
    out.set(prefix, 0);
    writeU32be(out, head, vLength);
    out.set(v, head + 4);
    writeU64be(out, head + 4 + vLength, height);
    return out;
  };
}

/** Splits a posting-list key back into its value and height (the composite key's prefix length is known). */
export function parsePostingKey(key: Uint8Array, prefixLength: number): { value: string; height: bigint } {
  const valueLength = readU32be(key, prefixLength);
  const valueStart = prefixLength + 4;
  return {
    value: fromUtf8(key.subarray(valueStart, valueStart + valueLength)),
    height: readU64be(key, valueStart + valueLength),
  };
}

export function encodeIndexes(indexes: readonly number[]): Uint8Array {
  const out = new Uint8Array(indexes.length * 4);
  indexes.forEach((i, n) => writeU32be(out, n * 4, i));
  return out;
}

export function decodeIndexes(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at + 4 <= b.length; at += 4) out.push(readU32be(b, at));
  return out;
}

/** A block's tx list as (index, hash) pairs. */
export function decodeBlockTxs(b: Uint8Array): { index: number; hash: Uint8Array }[] {
  const out: { index: number; hash: Uint8Array }[] = [];
  for (let at = 0; at + BLOCK_ENTRY_BYTES <= b.length; at += BLOCK_ENTRY_BYTES) {
    out.push({ index: readU32be(b, at), hash: b.subarray(at + 4, at + BLOCK_ENTRY_BYTES) });
  }
  return out;
}
