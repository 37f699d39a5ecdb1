/**
 * Key layout of the tx index inside the shared database. The indexer owns prefixes
 * 0x20..0x2f (the state tree uses 0x01..0x0f, the block store 0x10..0x1f).
 *
 *   0x20 | hash                                          → record (height, index, tx, result)
 *   0x21 | height u64 | index u32                        → hash
 *   0x22 | keyLen u16 | key | valueLen u32 | value | height u64 | index u32 → hash
 *
 * Fixed-width big-endian integers make byte order equal to (height, index) order. Keys are
 * written in one allocation each: indexing writes ~25 of them per tx.
 */
import { fromUtf8, readU64be } from "../types/bytes.js";

export const TX_BY_HASH = 0x20;
export const TX_BY_POSITION = 0x21;
export const TX_BY_ATTRIBUTE = 0x22;

export const POSITION_BYTES = 12;

const encoder = new TextEncoder();

function writePosition(out: Uint8Array, at: number, height: bigint, index: number): void {
  const view = new DataView(out.buffer, out.byteOffset + at, POSITION_BYTES);
  view.setBigUint64(0, height);
  view.setUint32(8, index);
}

export function positionBytes(height: bigint, index: number): Uint8Array {
  const out = new Uint8Array(POSITION_BYTES);
  writePosition(out, 0, height, index);
  return out;
}

export function readPosition(b: Uint8Array): { height: bigint; index: number } {
  return { height: readU64be(b, 0), index: new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(8) };
}

export function txByHashKey(hash: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + hash.length);
  out[0] = TX_BY_HASH;
  out.set(hash, 1);
  return out;
}

export function txByPositionKey(height: bigint, index?: number): Uint8Array {
  const out = new Uint8Array(index === undefined ? 9 : 13);
  out[0] = TX_BY_POSITION;
  const view = new DataView(out.buffer);
  view.setBigUint64(1, height);
  if (index !== undefined) view.setUint32(9, index);
  return out;
}

/** Prefix of every entry of one composite key; with `value`, of that exact value. */
export function attributePrefix(compositeKey: string, value?: string): Uint8Array {
  const k = encoder.encode(compositeKey);
  const v = value === undefined ? undefined : encoder.encode(value);
  const out = new Uint8Array(3 + k.length + (v === undefined ? 0 : 4 + v.length));
  const view = new DataView(out.buffer);
  out[0] = TX_BY_ATTRIBUTE;
  view.setUint16(1, k.length);
  out.set(k, 3);
  if (v !== undefined) {
    view.setUint32(3 + k.length, v.length);
    out.set(v, 7 + k.length);
  }
  return out;
}

/**
 * Builds attribute entry keys for one composite key; the key part is encoded once and
 * reused for every value and position (a block repeats the same few composite keys).
 */
export function attributeKeyWriter(compositeKey: string): (value: string, height: bigint, index: number) => Uint8Array {
  const k = encoder.encode(compositeKey);
  const head = 3 + k.length;
  const prefix = new Uint8Array(head);
  prefix[0] = TX_BY_ATTRIBUTE;
  prefix[1] = k.length >>> 8;
  prefix[2] = k.length & 0xff;
  prefix.set(k, 3);
  return (value, height, index) => {
    const vLength = Buffer.byteLength(value, "utf8");
    const out = new Uint8Array(head + 4 + vLength + POSITION_BYTES);
    out.set(prefix, 0);
    out[head] = vLength >>> 24;
    out[head + 1] = (vLength >>> 16) & 0xff;
    out[head + 2] = (vLength >>> 8) & 0xff;
    out[head + 3] = vLength & 0xff;
    encoder.encodeInto(value, out.subarray(head + 4, head + 4 + vLength));
    writePosition(out, head + 4 + vLength, height, index);
    return out;
  };
}

export function attributeKey(compositeKey: string, value: string, height: bigint, index: number): Uint8Array {
  return attributeKeyWriter(compositeKey)(value, height, index);
}

/** Splits an attribute entry key back into its value and position (the prefix length is known). */
export function parseAttributeKey(key: Uint8Array, prefixLength: number): { value: string; position: Uint8Array } {
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  const valueLength = view.getUint32(prefixLength);
  const valueStart = prefixLength + 4;
  return {
    value: fromUtf8(key.subarray(valueStart, valueStart + valueLength)),
    position: key.subarray(valueStart + valueLength, valueStart + valueLength + POSITION_BYTES),
  };
}
