/**
 * toHex, latin1 and toBase64 call Buffer's native slicers on any Uint8Array
 * (chain/types/bytes.ts): for plain arrays, Buffers and views into a larger buffer they must
 * give exactly what Buffer's toString gives for the same bytes, and keyString must keep byte
 * order. The big-endian integer helpers write and read byte by byte: they must agree with
 * DataView for every input DataView takes, and refuse reads past the end as it does.
 */
import test from "ava";
import fc from "fast-check";
import {
  asBuffer,
  compareBytes,
  equalBytes,
  latin1,
  prefixEnd,
  readU32be,
  readU64be,
  toBase64,
  toHex,
  utf8,
  u32be,
  u64be,
  writeU16be,
  writeU32be,
  writeU64be,
} from "../../../chain/types/bytes.js";
import { keyString, stringKey } from "../../../chain/store/sortedKeys.js";

const view = fc
  .tuple(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 30 }), fc.nat({ max: 30 }), fc.boolean())
  .map(([inner, before, after, asBuffer]) => {
    const backing = asBuffer
      ? Buffer.alloc(before + inner.length + after, 0xee)
      : new Uint8Array(before + inner.length + after).fill(0xee);
    backing.set(inner, before);
    return backing.subarray(before, before + inner.length);
  });

const reference = (b: Uint8Array, encoding: BufferEncoding) => Buffer.from(Uint8Array.from(b)).toString(encoding);

test("toHex and latin1 give Buffer's text for any view of any bytes", (t) => {
  fc.assert(
    fc.property(view, fc.nat(), fc.nat(), (b, x, y) => {
      t.is(toHex(b), reference(b, "hex"));
      t.is(latin1(b), reference(b, "latin1"));
      const start = b.length === 0 ? 0 : x % b.length;
      const end = start + (b.length === start ? 0 : y % (b.length - start + 1));
      t.is(latin1(b, start, end), reference(b.subarray(start, end), "latin1"));
      t.is(toBase64(b), reference(b, "base64"));
    }),
    { numRuns: 2_000 },
  );
});

test("keyString keeps unsigned byte order and stringKey inverts it", (t) => {
  fc.assert(
    fc.property(view, view, (a, b) => {
      const sa = keyString(a);
      const sb = keyString(b);
      t.is(Math.sign(compareBytes(a, b)), sa < sb ? -1 : sa > sb ? 1 : 0);
      t.deepEqual(stringKey(sa), Uint8Array.from(a));
    }),
    { numRuns: 2_000 },
  );
});

/** What DataView writes for the same call, on an array of `size` bytes. */
function viaDataView(size: number, write: (v: DataView) => void): Uint8Array {
  const out = new Uint8Array(new ArrayBuffer(size));
  write(new DataView(out.buffer));
  return out;
}

test("u32be, writeU16be and writeU32be write what DataView writes, for any number it takes", (t) => {
  const anyNumber = fc.oneof(
    fc.integer({ min: 0, max: 0xffffffff }),
    fc.integer(),
    fc.double({ noNaN: false }),
    fc.constantFrom(2 ** 32, 2 ** 32 + 5, -1, 2 ** 53, -(2 ** 31), 0.5, Infinity),
  );
  fc.assert(
    fc.property(anyNumber, fc.nat({ max: 8 }), (n, offset) => {
      t.deepEqual(
        u32be(n),
        viaDataView(4, (v) => v.setUint32(0, n)),
      );
      const out = new Uint8Array(offset + 4);
      writeU32be(out, offset, n);
      t.deepEqual(
        out,
        viaDataView(offset + 4, (v) => v.setUint32(offset, n)),
      );
      const two = new Uint8Array(offset + 2);
      writeU16be(two, offset, n);
      t.deepEqual(
        two,
        viaDataView(offset + 2, (v) => v.setUint16(offset, n)),
      );
    }),
    { numRuns: 3_000 },
  );
});

test("u64be and writeU64be write what DataView's setBigUint64 writes, modulo 2^64, for bigints and integer numbers", (t) => {
  const anyBig = fc.oneof(
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    fc.constantFrom(0n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n, -1n),
  );
  fc.assert(
    fc.property(anyBig, fc.nat({ max: 8 }), (n, offset) => {
      t.deepEqual(
        u64be(n),
        viaDataView(8, (v) => v.setBigUint64(0, n)),
      );
      const out = new Uint8Array(offset + 8);
      writeU64be(out, offset, n);
      t.deepEqual(
        out,
        viaDataView(offset + 8, (v) => v.setBigUint64(offset, n)),
      );
    }),
    { numRuns: 3_000 },
  );
  const safe = fc.oneof(fc.maxSafeNat(), fc.integer(), fc.constantFrom(2 ** 32, 2 ** 53 - 1, -1, 2 ** 60));
  fc.assert(
    fc.property(safe, (n) => {
      t.deepEqual(
        u64be(n),
        viaDataView(8, (v) => v.setBigUint64(0, BigInt(n))),
      );
    }),
    { numRuns: 2_000 },
  );
  // A number that is not an integer has no BigInt: refused, as before.
  t.throws(() => u64be(1.5), { instanceOf: RangeError });
  t.throws(() => u64be(NaN), { instanceOf: RangeError });
});

test("readU32be and readU64be read what DataView reads at any offset of any view, and refuse a read past the end", (t) => {
  fc.assert(
    fc.property(view, fc.integer({ min: -2, max: 210 }), (b, offset) => {
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      for (const [read, ref] of [
        [() => readU32be(b, offset), () => dv.getUint32(offset)],
        [() => readU64be(b, offset), () => dv.getBigUint64(offset)],
      ] as const) {
        let expected: number | bigint;
        try {
          expected = ref();
        } catch {
          t.throws(read, { instanceOf: RangeError });
          continue;
        }
        t.is(read(), expected);
      }
    }),
    { numRuns: 3_000 },
  );
});

test("compareBytes orders any two views as unsigned bytes; asBuffer gives a Buffer of the same bytes", (t) => {
  const reference = (a: Uint8Array, b: Uint8Array): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return Math.sign(a.length - b.length);
  };
  fc.assert(
    fc.property(view, view, (a, b) => {
      t.is(Math.sign(compareBytes(a, b)), reference(a, b));
      t.is(equalBytes(a, b), reference(a, b) === 0);
      t.is(compareBytes(a, Uint8Array.from(a)), 0);
      const buf = asBuffer(a);
      t.true(Buffer.isBuffer(buf));
      t.deepEqual(Uint8Array.from(buf), Uint8Array.from(a));
    }),
    { numRuns: 2_000 },
  );
});

test("utf8 gives TextEncoder's bytes for any string: ASCII, other text, lone surrogates, around the short-string limit", (t) => {
  const reference = new TextEncoder();
  const text = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: "grapheme", maxLength: 80 }),
    fc.string({ unit: "binary", maxLength: 80 }),
    fc.constantFrom(
      "",
      "ETH-PERP",
      "a".repeat(64),
      "a".repeat(65),
      "\u007f",
      "\u0080",
      "é",
      "\ud800",
      "x".repeat(63) + "é",
    ),
  );
  fc.assert(
    fc.property(text, (s) => {
      const out = utf8(s);
      t.deepEqual(Uint8Array.from(out), reference.encode(s));
      t.is(out.constructor, Uint8Array);
    }),
    { numRuns: 3_000 },
  );
});

test("prefixEnd is the smallest key above every key with the prefix: the last byte below 0xff plus one, what follows it dropped", (t) => {
  const hex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
  t.deepEqual(prefixEnd(hex("00")), hex("01"));
  t.deepEqual(prefixEnd(hex("0102fe")), hex("0102ff"));
  t.deepEqual(prefixEnd(hex("01ff")), hex("02"));
  t.deepEqual(prefixEnd(hex("01ffff")), hex("02"));
  t.deepEqual(prefixEnd(hex("7aff01ff")), hex("7aff02"));
  t.is(prefixEnd(hex("ffff")), undefined);
  t.is(prefixEnd(new Uint8Array(0)), undefined);
  const prefix = hex("0a0b0c");
  prefixEnd(prefix);
  t.deepEqual(prefix, hex("0a0b0c"), "the prefix itself is left as it was");
  // The same bytes as the copy-and-view it replaced, for any prefix (0xff runs made likely).
  const reference = (p: Uint8Array): Uint8Array | undefined => {
    const end = Uint8Array.from(p);
    for (let i = end.length - 1; i >= 0; i--) {
      if (end[i]! < 0xff) {
        end[i]! += 1;
        return end.subarray(0, i + 1);
      }
    }
    return undefined;
  };
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constant(0xff), fc.integer({ min: 0, max: 255 })), { maxLength: 40 }), (bytes) => {
      const p = Uint8Array.from(bytes);
      const want = reference(p);
      const got = prefixEnd(p);
      t.is(got === undefined, want === undefined);
      if (want !== undefined) t.deepEqual(Array.from(got!), Array.from(want));
    }),
    { numRuns: 2_000 },
  );
});
