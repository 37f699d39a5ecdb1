/**
 * toHex and latin1 call Buffer's native slicers on any Uint8Array (chain/types/bytes.ts):
 * for plain arrays, Buffers and views into a larger buffer they must give exactly what
 * Buffer's toString gives for the same bytes, and keyString must keep byte order.
 */
import test from "ava";
import fc from "fast-check";
import { compareBytes, latin1, toHex } from "../../../chain/types/bytes.js";
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
