/**
 * Encoding of one indexed tx. The index is node-local (rebuilt by replaying blocks), so
 * the format only has to round-trip: 16 fixed bytes (height, index, tx length), the tx,
 * then the result in a compact binary layout marked by a version byte. Records written
 * by earlier versions carry the result as JSON (it starts with "{") and still decode.
 *
 *   result v1: 0x01 | code u32 | codespace | log | info | data | gasWanted i64 | gasUsed i64
 *              | events u32 | (type | attrs u32 | (key | value | index u8)*)*
 *   where strings and bytes are u32 length | bytes.
 */
import { sha256 } from "../crypto/hash.js";
import type { AbciEvent, TxResult } from "../types/abci.js";
import { concatBytes, fromBase64, fromUtf8, readU64be, toBase64, utf8, writeU32be } from "../types/bytes.js";
import { indexerErrors } from "./errors.js";
import type { IndexedTx } from "./types.js";

const RESULT_V1 = 0x01;
const JSON_START = 0x7b;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

interface ResultJson {
  code: number;
  codespace: string;
  log: string;
  info: string;
  data: string;
  gasWanted: string;
  gasUsed: string;
  events: AbciEvent[];
}

const SHORT_ASCII = 64;

/** Scratch space shared by all writers: encoding is synchronous and never nested. */
let scratch = Buffer.allocUnsafe(16 * 1024);

/** Appends to the scratch buffer, growing it by doubling; strings are written as UTF-8 in place. */
class RecordWriter {
  private buf = scratch;
  private at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
    scratch = next;
  }

  u8(n: number): void {
    this.room(1);
    this.buf[this.at++] = n;
  }

  u32(n: number): void {
    this.room(4);
    writeU32be(this.buf, this.at, n);
    this.at += 4;
  }

  i64(n: bigint): void {
    this.room(8);
    this.buf.writeBigInt64BE(n, this.at);
    this.at += 8;
  }

  u64(n: bigint): void {
    this.room(8);
    this.buf.writeBigUInt64BE(n, this.at);
    this.at += 8;
  }

  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  string(s: string): void {
    // UTF-8 never takes more than 3 bytes per UTF-16 unit.
    const length = s.length;
    this.room(4 + length * 3);
    const buf = this.buf;
    const start = this.at + 4;
    // Event keys and values are short ASCII: copied here, not through a native write per string.
    let n = 0;
    if (length <= SHORT_ASCII) {
      while (n < length) {
        const c = s.charCodeAt(n);
        if (c > 0x7f) break;
        buf[start + n] = c;
        n++;
      }
    }
    if (n < length) n = buf.write(s, start, "utf8");
    writeU32be(buf, this.at, n);
    this.at = start + n;
  }

  /** A copy of exactly the written bytes, as a plain Uint8Array. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.at);
    out.set(this.buf.subarray(0, this.at));
    return out;
  }
}

class RecordReader {
  private at: number;
  private readonly view: DataView;

  constructor(
    private readonly src: Uint8Array,
    start: number,
  ) {
    this.at = start;
    this.view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  }

  u8(): number {
    const n = this.view.getUint8(this.at);
    this.at += 1;
    return n;
  }

  u32(): number {
    const n = this.view.getUint32(this.at);
    this.at += 4;
    return n;
  }

  i64(): bigint {
    const n = this.view.getBigInt64(this.at);
    this.at += 8;
    return n;
  }

  bytes(): Uint8Array {
    const n = this.u32();
    if (this.at + n > this.src.length) throw new RangeError("record truncated");
    const out = this.src.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }

  string(): string {
    const n = this.u32();
    if (this.at + n > this.src.length) throw new RangeError("record truncated");
    const out = Buffer.from(this.src.buffer, this.src.byteOffset + this.at, n).toString("utf8");
    this.at += n;
    return out;
  }

  get done(): boolean {
    return this.at === this.src.length;
  }
}

export function encodeTxRecord(height: bigint, index: number, tx: Uint8Array, result: TxResult): Uint8Array {
  const inRange = (n: bigint) => n >= INT64_MIN && n <= INT64_MAX;
  if (!inRange(result.gasWanted) || !inRange(result.gasUsed)) return encodeJsonRecord(height, index, tx, result);
  const w = new RecordWriter();
  w.u64(height);
  w.u32(index);
  w.bytes(tx);
  w.u8(RESULT_V1);
  w.u32(result.code);
  w.string(result.codespace);
  w.string(result.log);
  w.string(result.info);
  w.bytes(result.data);
  w.i64(result.gasWanted);
  w.i64(result.gasUsed);
  w.u32(result.events.length);
  for (const e of result.events) {
    w.string(e.type);
    w.u32(e.attributes.length);
    for (const a of e.attributes) {
      w.string(a.key);
      w.string(a.value);
      w.u8(a.index ? 1 : 0);
    }
  }
  return w.finish();
}

/** The format before v1, kept for gas values outside int64 (which no valid tx has). */
function encodeJsonRecord(height: bigint, index: number, tx: Uint8Array, result: TxResult): Uint8Array {
  const head = new Uint8Array(16);
  const view = new DataView(head.buffer);
  view.setBigUint64(0, height);
  view.setUint32(8, index);
  view.setUint32(12, tx.length);
  const json: ResultJson = {
    code: result.code,
    codespace: result.codespace,
    log: result.log,
    info: result.info,
    data: toBase64(result.data),
    gasWanted: result.gasWanted.toString(),
    gasUsed: result.gasUsed.toString(),
    events: result.events,
  };
  return concatBytes(head, tx, utf8(JSON.stringify(json)));
}

function decodeResultV1(r: RecordReader): TxResult {
  const code = r.u32();
  const codespace = r.string();
  const log = r.string();
  const info = r.string();
  const data = r.bytes();
  const gasWanted = r.i64();
  const gasUsed = r.i64();
  const events: AbciEvent[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const type = r.string();
    const attributes: AbciEvent["attributes"] = [];
    for (let m = r.u32(); m > 0; m--) attributes.push({ key: r.string(), value: r.string(), index: r.u8() === 1 });
    events.push({ type, attributes });
  }
  if (!r.done) throw new RangeError("trailing bytes after the result");
  return { code, codespace, log, info, data, gasWanted, gasUsed, events };
}

function decodeResultJson(text: string): TxResult {
  const json = JSON.parse(text) as ResultJson;
  return {
    code: json.code,
    codespace: json.codespace,
    log: json.log,
    info: json.info,
    data: fromBase64(json.data),
    gasWanted: BigInt(json.gasWanted),
    gasUsed: BigInt(json.gasUsed),
    events: json.events,
  };
}

export function decodeTxRecord(bytes: Uint8Array): IndexedTx {
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const height = readU64be(bytes, 0);
    const index = view.getUint32(8);
    const txLength = view.getUint32(12);
    if (16 + txLength >= bytes.length) throw new RangeError("record truncated");
    const tx = bytes.slice(16, 16 + txLength);
    const marker = bytes[16 + txLength];
    let result: TxResult;
    if (marker === RESULT_V1) result = decodeResultV1(new RecordReader(bytes, 16 + txLength + 1));
    else if (marker === JSON_START) result = decodeResultJson(fromUtf8(bytes.subarray(16 + txLength)));
    else throw new RangeError(`unknown result format ${marker}`);
    return { hash: sha256(tx), height, index, tx, result };
  } catch (e) {
    throw indexerErrors.corruptRecord(e instanceof Error ? e.message : undefined);
  }
}
