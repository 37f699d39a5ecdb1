/**
 * The block store's FinalizeBlock results, encoded as CometBFT's ResponseFinalizeBlock in
 * one buffer. cosmjs-types' writer makes an object per field and a fork per nested message:
 * a block of 300 sends has ~6,000 event attributes, and that encoding took 2.1–2.4 ms of the
 * node's thread (1.3 ms here), plus the garbage. Here a first pass measures every nested message and
 * string (in the order the second pass writes them), and the second writes straight into a
 * buffer of exactly the total size. The bytes are cosmjs-types' byte for byte (defaults
 * omitted, fields in number order, its UTF-8 writer for strings), so the decoder and any
 * stored block are unchanged.
 */
import { utf8Length, utf8Write } from "cosmjs-types/utf8";
import type { AbciEvent, EventAttribute, FinalizeBlockResponse, TxResult, ValidatorUpdate } from "../types/abci.js";

function varintSize(n: number): number {
  let size = 1;
  for (let v = n; v >= 0x80; v = Math.floor(v / 0x80)) size++;
  return size;
}

/** int64 as protobuf writes it: two's complement, so a negative value takes 10 bytes. */
function int64Size(v: bigint): number {
  if (v >= 0n && v <= 0x7fffffffn) return varintSize(Number(v));
  let u = BigInt.asUintN(64, v);
  let size = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    size++;
  }
  return size;
}

/** Pass 1: sizes of nested messages and strings, in the order pass 2 writes them. */
class Measure {
  readonly sizes: number[] = [];

  /** Opens a nested message: its size goes here once measured (`close`). */
  open(): number {
    this.sizes.push(0);
    return this.sizes.length - 1;
  }

  /** The nested message at `at` holds `n` bytes: returns its field's whole size. */
  close(at: number, n: number): number {
    this.sizes[at] = n;
    return 1 + varintSize(n) + n;
  }

  string(s: string): number {
    if (s === "") return 0;
    const n = utf8Length(s);
    this.sizes.push(n);
    return 1 + varintSize(n) + n;
  }
}

/** Pass 2: writes into a buffer of exactly the measured size. */
class Write {
  at = 0;
  private next = 0;

  constructor(
    readonly out: Uint8Array,
    private readonly sizes: readonly number[],
  ) {}

  private varint(n: number): void {
    let v = n;
    while (v >= 0x80) {
      this.out[this.at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.out[this.at++] = v;
  }

  tag(field: number, wireType: number): void {
    this.out[this.at++] = (field << 3) | wireType;
  }

  /** Starts a nested message field; returns where it must end (`close`). */
  open(field: number): number {
    this.tag(field, 2);
    const n = this.sizes[this.next++]!;
    this.varint(n);
    return this.at + n;
  }

  close(end: number): void {
    if (this.at !== end) throw new Error(`results encoding: a nested message ended at ${this.at}, not ${end}`);
  }

  string(field: number, s: string): void {
    if (s === "") return;
    this.tag(field, 2);
    const n = this.sizes[this.next++]!;
    this.varint(n);
    this.at += utf8Write(s, this.out, this.at);
  }

  bytes(field: number, b: Uint8Array, always = false): void {
    if (b.length === 0 && !always) return;
    this.tag(field, 2);
    this.varint(b.length);
    this.out.set(b, this.at);
    this.at += b.length;
  }

  uint32(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, 0);
    this.varint(v >>> 0);
  }

  int64(field: number, v: bigint): void {
    if (v === 0n) return;
    this.tag(field, 0);
    if (v > 0n && v <= 0x7fffffffn) return this.varint(Number(v));
    let u = BigInt.asUintN(64, v);
    while (u >= 0x80n) {
      this.out[this.at++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.out[this.at++] = Number(u);
  }
}

const bytesField = (b: Uint8Array, always = false): number =>
  b.length === 0 && !always ? 0 : 1 + varintSize(b.length) + b.length;
const uint32Field = (v: number): number => (v === 0 ? 0 : 1 + varintSize(v >>> 0));
const int64Field = (v: bigint): number => (v === 0n ? 0 : 1 + int64Size(v));

function measureAttribute(m: Measure, a: EventAttribute): number {
  return m.string(a.key) + m.string(a.value) + (a.index ? 2 : 0);
}

function measureEvent(m: Measure, e: AbciEvent): number {
  let n = m.string(e.type);
  for (const a of e.attributes) {
    const at = m.open();
    n += m.close(at, measureAttribute(m, a));
  }
  return n;
}

function measureTxResult(m: Measure, r: TxResult): number {
  let n = uint32Field(r.code) + bytesField(r.data) + m.string(r.log) + m.string(r.info);
  n += int64Field(r.gasWanted) + int64Field(r.gasUsed);
  for (const e of r.events) {
    const at = m.open();
    n += m.close(at, measureEvent(m, e));
  }
  return n + m.string(r.codespace);
}

function measureValidatorUpdate(m: Measure, u: ValidatorUpdate): number {
  const at = m.open();
  return m.close(at, bytesField(u.pubKey, true)) + int64Field(u.power);
}

function writeEvent(w: Write, e: AbciEvent): void {
  w.string(1, e.type);
  for (const a of e.attributes) {
    const end = w.open(2);
    w.string(1, a.key);
    w.string(2, a.value);
    if (a.index) {
      w.tag(3, 0);
      w.out[w.at++] = 1;
    }
    w.close(end);
  }
}

function writeTxResult(w: Write, r: TxResult): void {
  w.uint32(1, r.code);
  w.bytes(2, r.data);
  w.string(3, r.log);
  w.string(4, r.info);
  w.int64(5, r.gasWanted);
  w.int64(6, r.gasUsed);
  for (const e of r.events) {
    const end = w.open(7);
    writeEvent(w, e);
    w.close(end);
  }
  w.string(8, r.codespace);
}

export function encodeFinalizeBlockResponse(r: FinalizeBlockResponse): Uint8Array {
  const m = new Measure();
  let total = 0;
  for (const e of r.events) {
    const at = m.open();
    total += m.close(at, measureEvent(m, e));
  }
  for (const t of r.txResults) {
    const at = m.open();
    total += m.close(at, measureTxResult(m, t));
  }
  for (const u of r.validatorUpdates) {
    const at = m.open();
    total += m.close(at, measureValidatorUpdate(m, u));
  }
  total += bytesField(r.appHash);

  const w = new Write(new Uint8Array(total), m.sizes);
  for (const e of r.events) {
    const end = w.open(1);
    writeEvent(w, e);
    w.close(end);
  }
  for (const t of r.txResults) {
    const end = w.open(2);
    writeTxResult(w, t);
    w.close(end);
  }
  for (const u of r.validatorUpdates) {
    const end = w.open(3);
    const keyEnd = w.open(1);
    w.bytes(1, u.pubKey, true);
    w.close(keyEnd);
    w.int64(2, u.power);
    w.close(end);
  }
  w.bytes(5, r.appHash);
  if (w.at !== total) throw new Error(`results encoding wrote ${w.at} of ${total} bytes`);
  return w.out;
}
