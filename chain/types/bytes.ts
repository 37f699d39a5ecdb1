/** Byte helpers used everywhere; keys are compared as unsigned big-endian bytes. */

type Slicer = (this: Uint8Array, start: number, end: number) => string;
const nativeSlicer = (name: "latin1Slice" | "hexSlice", encoding: BufferEncoding): Slicer =>
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
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

export function fromBase64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "base64"));
}

// One of each for the process: decoding without `stream` keeps no state between calls.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
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

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

/** Fixed-width big-endian so that byte order equals numeric order in keys. */
export function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

export function u64be(n: bigint | number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

export function readU64be(b: Uint8Array, offset = 0): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(offset);
}

/** The smallest key greater than every key with this prefix, or undefined if none (all 0xff). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}
