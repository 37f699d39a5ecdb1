import test from "ava";
import fc from "fast-check";
import { assertProperty } from "../../helpers/property.js";
import { createMemoryKV } from "../../../chain/store/memoryKv.js";
import { branchStore } from "../../../chain/store/branch.js";
import type { KVStore } from "../../../chain/store/types.js";
import { compareBytes, toHex } from "../../../chain/types/bytes.js";

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const keysOf = (it: Iterable<[Uint8Array, Uint8Array]>): string[] => [...it].map(([k]) => toHex(k));

function model(entries: Map<string, Uint8Array>, start?: Uint8Array, end?: Uint8Array, reverse = false): string[] {
  const keys = [...entries.keys()]
    .filter((k) => (start === undefined || k >= toHex(start)) && (end === undefined || k < toHex(end)))
    .sort();
  return reverse ? keys.reverse() : keys;
}

test("memory KV iterates in unsigned byte order, with start inclusive and end exclusive", (t) => {
  const kv = createMemoryKV();
  for (const k of [b(0xff), b(0x00), b(0x80), b(0x01, 0x00), b(0x01), b(0x7f, 0xff)]) kv.set(k, b(1));
  t.deepEqual(keysOf(kv.iterator()), ["00", "01", "0100", "7fff", "80", "ff"]);
  t.deepEqual(keysOf(kv.iterator(b(0x01), b(0x80))), ["01", "0100", "7fff"]);
  t.deepEqual(keysOf(kv.iterator(b(0x01), b(0x80), true)), ["7fff", "0100", "01"]);
  t.deepEqual(keysOf(kv.iterator(undefined, undefined, true)), ["ff", "80", "7fff", "0100", "01", "00"]);
});

test("memory KV get/has/delete reflect the latest write", (t) => {
  const kv = createMemoryKV();
  kv.set(b(1), b(10));
  kv.set(b(1), b(11));
  t.deepEqual(kv.get(b(1)), b(11));
  t.true(kv.has(b(1)));
  kv.delete(b(1));
  t.is(kv.get(b(1)), undefined);
  t.false(kv.has(b(1)));
  t.deepEqual(keysOf(kv.iterator()), []);
});

test("memory KV iteration matches a sorted model for random operations (many chunks)", (t) => {
  assertProperty(
    t,
    fc.property(
      fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ minLength: 0, maxLength: 3 })), { maxLength: 1500 }),
      fc.option(fc.uint8Array({ maxLength: 2 }), { nil: undefined }),
      fc.option(fc.uint8Array({ maxLength: 2 }), { nil: undefined }),
      fc.boolean(),
      (ops, start, end, reverse) => {
        const kv = createMemoryKV();
        const m = new Map<string, Uint8Array>();
        for (const [put, k] of ops) {
          if (put) {
            kv.set(k, b(1));
            m.set(toHex(k), b(1));
          } else {
            kv.delete(k);
            m.delete(toHex(k));
          }
        }
        return (
          JSON.stringify(keysOf(kv.iterator(start, end, reverse))) === JSON.stringify(model(m, start, end, reverse))
        );
      },
    ),
    { numRuns: 150 },
  );
});

test("deleting keys while iterating neither skips nor repeats keys", (t) => {
  const kv = createMemoryKV();
  for (let i = 0; i < 3000; i++) kv.set(b(i >> 8, i & 0xff), b(1));
  const seen: string[] = [];
  for (const [k] of kv.iterator()) {
    seen.push(toHex(k));
    kv.delete(k);
  }
  t.is(seen.length, 3000);
  t.is(kv.size, 0);
});

test("a branch reads through to its parent and buffers writes until write()", (t) => {
  const parent = createMemoryKV();
  parent.set(b(1), b(1));
  const br = branchStore(parent);
  br.set(b(2), b(2));
  br.delete(b(1));
  t.is(br.get(b(1)), undefined);
  t.false(br.has(b(1)));
  t.deepEqual(br.get(b(2)), b(2));
  t.deepEqual(parent.get(b(1)), b(1));
  t.false(parent.has(b(2)));
  t.is(br.dirtySize, 2);
  br.write();
  t.is(parent.get(b(1)), undefined);
  t.deepEqual(parent.get(b(2)), b(2));
  t.is(br.dirtySize, 0);
});

test("a dropped branch leaves its parent untouched", (t) => {
  const parent = createMemoryKV();
  parent.set(b(1), b(1));
  {
    const br = branchStore(parent);
    br.set(b(1), b(9));
    br.set(b(3), b(3));
  }
  t.deepEqual(parent.get(b(1)), b(1));
  t.deepEqual(keysOf(parent.iterator()), ["01"]);
});

test("branch iteration merges buffered writes and deletes with the parent in order, both directions and bounds", (t) => {
  const parent = createMemoryKV();
  for (const k of [1, 3, 5, 7]) parent.set(b(k), b(0));
  const br = branchStore(parent);
  br.set(b(4), b(1));
  br.set(b(5), b(1));
  br.delete(b(3));
  br.set(b(9), b(1));
  br.delete(b(8));
  t.deepEqual(keysOf(br.iterator()), ["01", "04", "05", "07", "09"]);
  t.deepEqual(keysOf(br.iterator(undefined, undefined, true)), ["09", "07", "05", "04", "01"]);
  t.deepEqual(keysOf(br.iterator(b(3), b(7))), ["04", "05"]);
  t.deepEqual(keysOf(br.iterator(b(3), b(7), true)), ["05", "04"]);
  t.deepEqual([...br.iterator(b(5), b(6))][0]![1], b(1));
});

test("nested branches: a tx branch writes into the block branch, which alone writes into the state", (t) => {
  const state = createMemoryKV();
  state.set(b(1), b(1));
  const block = branchStore(state);
  const tx1 = branchStore(block);
  tx1.set(b(2), b(2));
  tx1.delete(b(1));
  t.deepEqual(keysOf(tx1.iterator()), ["02"]);
  tx1.write();
  const tx2 = branchStore(block);
  tx2.set(b(3), b(3));
  // tx2 is discarded (a failed tx)
  t.deepEqual(keysOf(block.iterator()), ["02"]);
  t.deepEqual(keysOf(state.iterator()), ["01"]);
  block.write();
  t.deepEqual(keysOf(state.iterator()), ["02"]);
});

test("branch iteration matches a model over random parent and branch operations", (t) => {
  const op = fc.tuple(fc.boolean(), fc.uint8Array({ minLength: 1, maxLength: 2 }));
  assertProperty(
    t,
    fc.property(
      fc.array(op, { maxLength: 200 }),
      fc.array(op, { maxLength: 200 }),
      fc.array(op, { maxLength: 50 }),
      fc.boolean(),
      (pOps, bOps, tOps, reverse) => {
        const m = new Map<string, Uint8Array>();
        const apply = (kv: KVStore, ops: [boolean, Uint8Array][]): void => {
          for (const [put, k] of ops) {
            if (put) {
              kv.set(k, b(1));
              m.set(toHex(k), b(1));
            } else {
              kv.delete(k);
              m.delete(toHex(k));
            }
          }
        };
        const parent = createMemoryKV();
        apply(parent, pOps);
        const block = branchStore(parent);
        apply(block, bOps);
        const tx = branchStore(block);
        apply(tx, tOps);
        const got = keysOf(tx.iterator(undefined, undefined, reverse));
        return JSON.stringify(got) === JSON.stringify(model(m, undefined, undefined, reverse));
      },
    ),
    { numRuns: 200 },
  );
});

test("deleting through a branch while iterating it visits every key once", (t) => {
  const parent = createMemoryKV();
  for (let i = 0; i < 100; i++) parent.set(b(i * 2), b(1));
  const br = branchStore(parent);
  for (let i = 0; i < 100; i++) br.set(b(i * 2 + 1), b(1));
  const seen: Uint8Array[] = [];
  for (const [k] of br.iterator()) {
    seen.push(k);
    br.delete(k);
  }
  t.is(seen.length, 200);
  t.true(seen.every((k, i) => i === 0 || compareBytes(seen[i - 1]!, k) < 0));
  t.deepEqual(keysOf(br.iterator()), []);
});

/** A store that is neither a Branch nor a MemoryKV: branches above it must convert keys themselves. */
function opaque(inner: KVStore): KVStore {
  return {
    get: (k) => inner.get(k),
    has: (k) => inner.has(k),
    set: (k, v) => inner.set(k, v),
    delete: (k) => inner.delete(k),
    iterator: (s, e, r) => inner.iterator(s, e, r),
  };
}

test("reads and scans through nested branches give the model's answers whether or not a layer passes latin1 keys down", (t) => {
  const op = fc.tuple(fc.boolean(), fc.uint8Array({ minLength: 1, maxLength: 2 }));
  assertProperty(
    t,
    fc.property(
      fc.array(op, { maxLength: 100 }),
      fc.array(op, { maxLength: 100 }),
      fc.array(op, { maxLength: 50 }),
      fc.boolean(),
      fc.uint8Array({ minLength: 1, maxLength: 2 }),
      fc.uint8Array({ minLength: 1, maxLength: 2 }),
      (pOps, bOps, tOps, wrap, lo, hi) => {
        const m = new Map<string, Uint8Array>();
        const apply = (kv: KVStore, ops: [boolean, Uint8Array][], value: number): void => {
          for (const [put, k] of ops) {
            if (put) {
              kv.set(k, b(value));
              m.set(toHex(k), b(value));
            } else {
              kv.delete(k);
              m.delete(toHex(k));
            }
          }
        };
        const parent = createMemoryKV();
        apply(parent, pOps, 1);
        const block = branchStore(parent);
        apply(block, bOps, 2);
        const tx = branchStore(wrap ? opaque(block) : block);
        apply(tx, tOps, 3);
        const msg = branchStore(tx);
        const [start, end] = compareBytes(lo, hi) <= 0 ? [lo, hi] : [hi, lo];
        for (const k of [...pOps, ...bOps, ...tOps].map(([, k]) => k)) {
          const want = m.get(toHex(k));
          if (JSON.stringify(msg.get(k)) !== JSON.stringify(want) || msg.has(k) !== (want !== undefined)) return false;
        }
        const scan = [...msg.iterator(start, end)].map(([k, v]) => `${toHex(k)}=${v[0]}`);
        const want = model(m, start, end).map((k) => `${k}=${m.get(k)![0]}`);
        return JSON.stringify(scan) === JSON.stringify(want);
      },
    ),
    { numRuns: 200 },
  );
});
