/** Byte helpers used everywhere; keys are compared as unsigned big-endian bytes. */

type Slicer = (this: Uint8Array, start: number, end: number) => string;
const nativeSlicer = (name: "latin1Slice" | "hexSlice" | "base64Slice", encoding: BufferEncoding): Slicer =>
  (Buffer.prototype as unknown as Record<string, Slicer | undefined>)[name] ??
  function (this: Uint8Array, start: number, end: number): string {
    return Buffer.from(this.buffer, this.byteOffset, this.byteLength).toString(encoding, start, end);
  };
/**
 * Buffer's native string slicers, called on any Uint8Array: no Buffer view object and no
 * argument parsing per call (~50 ns against ~150 ns for Buffer.from(...).toString() on a
 * 40-byte store key here). Store keys, cache keys and hashes go through these on every access.
 */
const latin1Slice = nativeSlicer("latin1Slice", "latin1");
const hexSlice = nativeSlicer("hexSlice", "hex");
const base64Slice = nativeSlicer("base64Slice", "base64");

export function toHex(b: Uint8Array): string {
  return hexSlice.call(b, 0, b.length);
}

/** Bytes [start, end) as a latin1 string, one char per byte (order-preserving, a Map key). */
export function latin1(b: Uint8Array, start = 0, end = b.length): string {
  return latin1Slice.call(b, start, end);
}

/** The inverse of `latin1`, as a plain Uint8Array (not a Buffer) so equality checks compare like for like. */
export function fromLatin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function fromHex(h: string): Uint8Array {
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) {
    throw new TypeError("invalid hex string");
  }
  return new Uint8Array(Buffer.from(h, "hex"));
}

export function toBase64(b: Uint8Array): string {
  return base64Slice.call(b, 0, b.length);
}

export function fromBase64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "base64"));
}

// One of each for the process: decoding without `stream` keeps no state between calls.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Strings up to this long that are ASCII are encoded in JS (store keys: denoms, market ids, addresses). */
const SHORT_ASCII = 64;

/**
 * The UTF-8 bytes of s. TextEncoder.encode puts every result in a new off-heap buffer:
 * ~700 ns for a market id or an address here, against ~60 ns for this loop, and keys
 * holding such strings are built many times per order.
 */
export function utf8(s: string): Uint8Array {
  if (s.length > SHORT_ASCII) return encoder.encode(s);
  const out = new Uint8Array(s.length);
  return putAscii(out, 0, s) ? out : encoder.encode(s);
}

/**
 * Writes s at `at` one byte per char if it is all ASCII (then its UTF-8 bytes); false at the
 * first other char, having written the chars before it. For short strings (ids, denoms,
 * addresses, type URLs) this beats TextEncoder and encodeInto on a view.
 */
export function putAscii(out: Uint8Array, at: number, s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return false;
    out[at + i] = c;
  }
  return true;
}

export function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A Buffer with b's bytes, for APIs that take only Buffers. A small array (on the V8 heap)
 * is copied, which costs less than viewing it: a view needs its `.buffer` (see writeU32be).
 */
export function asBuffer(b: Uint8Array): Buffer {
  if (Buffer.isBuffer(b)) return b;
  return b.length <= 64 ? Buffer.from(b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Buffer.compare takes any Uint8Array: a Buffer view of each would need its `.buffer` (see below). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

/*
 * Fixed-width big-endian, so that byte order equals numeric order in keys. Big-endian integers are written and read byte by byte. A DataView needs the array's
 * ArrayBuffer, and asking a small, fresh Uint8Array for its `.buffer` moves its bytes off
 * the V8 heap into a new backing store: ~700 ns against ~30 ns, and an external object
 * for the GC, for every store key that holds a number.
 */

/** Writes n as 4 bytes big-endian at offset (n taken modulo 2^32, as DataView.setUint32 does). */
export function writeU32be(out: Uint8Array, offset: number, n: number): void {
  const v = n >>> 0;
  out[offset] = v >>> 24;
  out[offset + 1] = (v >>> 16) & 0xff;
  out[offset + 2] = (v >>> 8) & 0xff;
  out[offset + 3] = v & 0xff;
}

/** Writes n as 2 bytes big-endian at offset (n taken modulo 2^16). */
export function writeU16be(out: Uint8Array, offset: number, n: number): void {
  out[offset] = (n >>> 8) & 0xff;
  out[offset + 1] = n & 0xff;
}

const TWO_32 = 4294967296;
const U64_MAX = 0xffffffffffffffffn;

/**
 * Writes n as 8 bytes big-endian at offset, modulo 2^64 as DataView.setBigUint64 does; a
 * number must be an integer (BigInt's RangeError otherwise).
 */
export function writeU64be(out: Uint8Array, offset: number, n: bigint | number): void {
  let hi: number;
  let lo: number;
  if (typeof n === "number" && Number.isSafeInteger(n) && n >= 0) {
    hi = Math.floor(n / TWO_32);
    lo = n >>> 0;
  } else {
    let v = BigInt(n);
    if (v < 0n || v > U64_MAX) v = BigInt.asUintN(64, v);
    hi = Number(v >> 32n);
    lo = Number(v & 0xffffffffn);
  }
  writeU32be(out, offset, hi);
  writeU32be(out, offset + 4, lo);
}

function outOfBounds(b: Uint8Array, offset: number, size: number): boolean {
  return !Number.isInteger(offset) || offset < 0 || offset + size > b.length;
}

/** The 4 bytes big-endian at offset; RangeError past the end, as DataView.getUint32. */
export function readU32be(b: Uint8Array, offset = 0): number {
  if (outOfBounds(b, offset, 4)) throw new RangeError(`u32 at ${offset} is outside ${b.length} bytes`);
  return ((b[offset]! << 24) | (b[offset + 1]! << 16) | (b[offset + 2]! << 8) | b[offset + 3]!) >>> 0;
}

export function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  writeU32be(out, 0, n);
  return out;
}

export function u64be(n: bigint | number): Uint8Array {
  const out = new Uint8Array(8);
  writeU64be(out, 0, n);
  return out;
}

/** The 8 bytes big-endian at offset; RangeError past the end, as DataView.getBigUint64. */
export function readU64be(b: Uint8Array, offset = 0): bigint {
  if (outOfBounds(b, offset, 8)) throw new RangeError(`u64 at ${offset} is outside ${b.length} bytes`);
  const hi = readU32be(b, offset);
  const lo = readU32be(b, offset + 4);
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * The smallest key greater than every key with this prefix, or undefined if none (all 0xff).
 * Built byte by byte into a new array: `Uint8Array.from` and a `subarray` view cost ~0.3 µs
 * here against ~0.05, and every prefix iteration of a module's store asks for one.
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  let last = prefix.length - 1;
  while (last >= 0 && prefix[last] === 0xff) last--;
  if (last < 0) return undefined;
  const end = new Uint8Array(last + 1);
  for (let i = 0; i < last; i++) end[i] = prefix[i]!;
  end[last] = prefix[last]! + 1;
  return end;
}
