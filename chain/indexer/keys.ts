/**
 * Key layout of the tx index inside the shared database. The indexer owns prefixes
 * 0x20..0x2f (the state tree uses 0x01..0x0f, the block store 0x10..0x1f).
 *
 *   0x20 | hash                                          → record (height, index, tx, result)
 *   0x21 | height u64 | index u32                        → hash
 *   0x22 | keyLen u16 | key | valueLen u32 | value | height u64 | index u32 → hash
 *
 * Fixed-width big-endian integers make byte order equal to (height, index) order.
 */
import { concatBytes, fromUtf8, readU64be, u64be, utf8 } from "../types/bytes.js";

export const TX_BY_HASH = 0x20;
export const TX_BY_POSITION = 0x21;
export const TX_BY_ATTRIBUTE = 0x22;

export const POSITION_BYTES = 12;

function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

function u16be(n: number): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, n);
  return out;
}

export function positionBytes(height: bigint, index: number): Uint8Array {
  return concatBytes(u64be(height), u32be(index));
}

export function readPosition(b: Uint8Array): { height: bigint; index: number } {
  return { height: readU64be(b, 0), index: new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(8) };
}

export function txByHashKey(hash: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(TX_BY_HASH), hash);
}

export function txByPositionKey(height: bigint, index?: number): Uint8Array {
  const parts = [Uint8Array.of(TX_BY_POSITION), u64be(height)];
  if (index !== undefined) parts.push(u32be(index));
  return concatBytes(...parts);
}

/** Prefix of every entry of one composite key; with `value`, of that exact value. */
export function attributePrefix(compositeKey: string, value?: string): Uint8Array {
  const k = utf8(compositeKey);
  const parts = [Uint8Array.of(TX_BY_ATTRIBUTE), u16be(k.length), k];
  if (value !== undefined) {
    const v = utf8(value);
    parts.push(u32be(v.length), v);
  }
  return concatBytes(...parts);
}

export function attributeKey(compositeKey: string, value: string, height: bigint, index: number): Uint8Array {
  return concatBytes(attributePrefix(compositeKey, value), positionBytes(height, index));
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
