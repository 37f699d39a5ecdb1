/**
 * sha256 and ripemd160 (chain/crypto/hash.ts, address.ts) go through node:crypto's one-shot
 * hash read back as latin1: the bytes must be createHash's for any input, including views
 * into a larger buffer, several parts, empty input and inputs far past one block.
 */
import test from "ava";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { sha256 } from "../../../chain/crypto/hash.js";
import { ripemd160 } from "../../../chain/crypto/address.js";

const reference = (algorithm: string, parts: readonly Uint8Array[]): Uint8Array => {
  const h = createHash(algorithm);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** A view into the middle of a larger buffer, so offsets and lengths are exercised. */
const view = fc
  .tuple(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 40 }), fc.nat({ max: 40 }))
  .map(([inner, before, after]) => {
    const backing = new Uint8Array(before + inner.length + after).fill(0xee);
    backing.set(inner, before);
    return backing.subarray(before, before + inner.length);
  });

test("sha256 gives createHash's digest for any parts, views and lengths", (t) => {
  fc.assert(
    fc.property(fc.array(view, { maxLength: 4 }), (parts) => {
      const got = sha256(...parts);
      t.deepEqual(got, reference("sha256", parts));
      t.is(got.constructor, Uint8Array);
      t.is(got.length, 32);
    }),
    { numRuns: 2_000 },
  );
  const big = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
  t.deepEqual(sha256(big), reference("sha256", [big]));
  t.deepEqual(sha256(), reference("sha256", []));
});

test("parts gathered in the scratch buffer: any order of short, long and huge inputs gives createHash's digest", (t) => {
  // Sizes around the scratch's first size (1 KiB), its growth, and the 64 KiB past which
  // parts are concatenated instead; a short input after a long one must not see its tail.
  const sized = fc.oneof(
    fc.nat({ max: 70 }),
    fc.integer({ min: 900, max: 2_200 }),
    fc.integer({ min: 60_000, max: 70_000 }),
  );
  const part = fc
    .tuple(sized, fc.nat({ max: 255 }))
    .map(([n, seed]) => new Uint8Array(n).map((_, i) => (i * 7 + seed) & 0xff));
  fc.assert(
    fc.property(fc.array(fc.array(part, { minLength: 2, maxLength: 3 }), { minLength: 1, maxLength: 5 }), (calls) => {
      for (const parts of calls) t.deepEqual(sha256(...parts), reference("sha256", parts));
    }),
    { numRuns: 150 },
  );
});

test("ripemd160 gives createHash's digest", (t) => {
  fc.assert(
    fc.property(view, (data) => t.deepEqual(ripemd160(data), reference("ripemd160", [data]))),
    { numRuns: 500 },
  );
});

test("a digest is a fresh array: changing it does not change the next one", (t) => {
  const data = Uint8Array.of(1, 2, 3);
  const first = sha256(data);
  first.fill(0);
  t.deepEqual(sha256(data), reference("sha256", [data]));
});
