/**
 * A small protobuf writer for the few messages on the tx hot path (sign docs, accounts,
 * TxMsgData). cosmjs-types allocates a pooled BinaryWriter and a chain of ops per message,
 * which dominated small encodes. This writes proto3 the way ts-proto does (default values
 * omitted, fields in number order, as the caller adds them), so the bytes are identical.
 *
 * Fields are written straight into a shared scratch buffer; `finish` copies out exactly the
 * written bytes. Nested messages are finished first and added as bytes.
 */

import { putAscii } from "../types/bytes.js";

const encoder = new TextEncoder();

/**
 * Scratch buffers, one per level of nesting: an embedded message is written by a second
 * writer while the first is open (an account's pubkey inside the account). A fresh buffer
 * for it would be an off-heap allocation (~700 ns here for anything over 64 bytes) per
 * nested message. A writer abandoned by a throw keeps its slot; past the last slot writers
 * get their own buffer, as they all did before.
 */
const SLOTS = 4;
const scratch: Uint8Array[] = [];
const busy: boolean[] = new Array<boolean>(SLOTS).fill(false);

export class ProtoWriter {
  private buf: Uint8Array;
  private at = 0;
  /** The scratch slot this writer holds, or -1 for its own buffer. */
  private readonly slot: number;

  constructor() {
    let slot = 0;
    while (slot < SLOTS && busy[slot]) slot++;
    if (slot === SLOTS) {
      this.slot = -1;
      this.buf = new Uint8Array(256);
      return;
    }
    busy[slot] = true;
    this.slot = slot;
    this.buf = scratch[slot] ??= new Uint8Array(4096);
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    if (this.slot >= 0) scratch[this.slot] = next;
  }

  /** Tags and lengths: non-negative and below 2^31. */
  private varint(n: number): void {
    this.room(5);
    const buf = this.buf;
    let v = n;
    while (v > 0x7f) {
      buf[this.at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.at++] = v;
  }

  uint64(field: number, value: bigint): this {
    if (value === 0n) return this;
    this.varint(field << 3);
    this.room(10);
    let v = BigInt.asUintN(64, value);
    if (v <= 0x7fffffffn) {
      this.varint(Number(v));
      return this;
    }
    while (v > 0x7fn) {
      this.buf[this.at++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.at++] = Number(v);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    if (value.length === 0) return this;
    return this.message(field, value);
  }

  /** An embedded message that is set: written even when its encoding is empty. */
  message(field: number, encoded: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(encoded.length);
    this.room(encoded.length);
    this.buf.set(encoded, this.at);
    this.at += encoded.length;
    return this;
  }

  string(field: number, value: string): this {
    if (value === "") return this;
    this.varint((field << 3) | 2);
    // ASCII (addresses, type URLs, chain ids, denoms) is written here: encodeInto on a view
    // costs a view object and a native call, more than the string itself for short ones.
    const n = value.length;
    if (n < 0x80) {
      this.room(1 + n);
      if (putAscii(this.buf, this.at + 1, value)) {
        this.buf[this.at] = n;
        this.at += 1 + n;
        return this;
      }
    }
    // Reserve the worst case, write, then fix the length prefix (moving the text if it took fewer bytes).
    const max = value.length * 3;
    const lengthAt = this.at;
    const prefix = max < 0x80 ? 1 : max < 0x4000 ? 2 : max < 0x200000 ? 3 : 4;
    this.room(prefix + max + 1);
    const written = encoder.encodeInto(value, this.buf.subarray(lengthAt + prefix, lengthAt + prefix + max)).written;
    const actual = written < 0x80 ? 1 : written < 0x4000 ? 2 : written < 0x200000 ? 3 : 4;
    if (actual !== prefix) this.buf.copyWithin(lengthAt + actual, lengthAt + prefix, lengthAt + prefix + written);
    this.varint(written);
    this.at = lengthAt + actual + written;
    return this;
  }

  /**
   * An embedded message written by another writer, opened after this one: its bytes are
   * copied from its buffer and it is released, without the array `finish` would make.
   */
  embed(field: number, inner: ProtoWriter): this {
    const n = inner.at;
    this.varint((field << 3) | 2);
    this.varint(n);
    this.room(n);
    this.buf.set(inner.buf.subarray(0, n), this.at);
    this.at += n;
    inner.release();
    return this;
  }

  /** Embedded bytes (`bytes` field) written by another writer: as `embed`, omitted when empty as `bytes` is. */
  embedBytes(field: number, inner: ProtoWriter): this {
    if (inner.at === 0) {
      inner.release();
      return this;
    }
    return this.embed(field, inner);
  }

  private release(): void {
    if (this.slot >= 0) busy[this.slot] = false;
  }

  finish(): Uint8Array {
    const out = this.buf.slice(0, this.at);
    if (this.slot >= 0) busy[this.slot] = false;
    return out;
  }
}
