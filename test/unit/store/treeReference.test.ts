/**
 * The state tree against a reference written from its specification alone (tree/node.ts's
 * header), sharing no code with it: after every block of random sets and deletes, the
 * committed root is the reference root of the key set, and a store reopened from the
 * database holds the same root and values. Keys come and go over many blocks, so nodes
 * split, merge and collapse to leaves; values range from empty to larger than half a slab,
 * so every copy path of a node rebuild and every block size class runs.
 */

import test from "ava";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { assertAsyncProperty } from "../../helpers/property.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { openStateStore } from "../../../chain/store/stateStore.js";
import { equalBytes } from "../../../chain/types/bytes.js";

function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
}

interface RefLeaf {
  readonly keyHash: Buffer;
  readonly hash: Buffer;
}

/** The root of a key set, straight from the specification. */
function referenceRoot(entries: Iterable<[Uint8Array, Uint8Array]>): Uint8Array {
  const leaves: RefLeaf[] = [];
  for (const [key, value] of entries) {
    const keyHash = sha256(key);
    leaves.push({ keyHash, hash: sha256(Uint8Array.of(0), keyHash, sha256(value)) });
  }
  if (leaves.length === 0) return new Uint8Array(32);
  const nibbleOf = (h: Buffer, depth: number): number => (depth & 1 ? h[depth >> 1]! & 0x0f : h[depth >> 1]! >> 4);
  const subtree = (group: RefLeaf[], depth: number): Buffer => {
    if (group.length === 1) return group[0]!.hash;
    let bitmap = 0;
    const hashes: Buffer[] = [];
    for (let n = 0; n < 16; n++) {
      const child = group.filter((l) => nibbleOf(l.keyHash, depth) === n);
      if (child.length === 0) continue;
      bitmap |= 1 << n;
      hashes.push(subtree(child, depth + 1));
    }
    return sha256(Uint8Array.of(0x01, bitmap >>> 8, bitmap & 0xff), ...hashes);
  };
  return new Uint8Array(subtree(leaves, 0));
}

const keyOf = (i: number): Uint8Array => Uint8Array.of(0x02, i >> 8, i & 0xff);

/** A large node's value: its block is larger than half a slab (tree/slab.ts), so it gets a slab of its own. */
const HUGE_VALUE = new Uint8Array(2_200_000).fill(7);

/** A value: usually short, sometimes empty, rarely 70 kB (a power-of-two block class), very rarely 2.2 MB. */
const valueArb = fc.oneof(
  { weight: 200, arbitrary: fc.uint8Array({ maxLength: 90 }) },
  { weight: 20, arbitrary: fc.constant(new Uint8Array(0)) },
  { weight: 10, arbitrary: fc.integer({ min: 0, max: 255 }).map((b) => new Uint8Array(70_000).fill(b)) },
  { weight: 1, arbitrary: fc.constant(HUGE_VALUE) },
);
const opArb = fc.tuple(fc.integer({ min: 0, max: 299 }), fc.option(valueArb, { freq: 4 }));

test("every committed root equals the specification's root of the key set, and a reopened store holds the same root and values", async (t) => {
  await assertAsyncProperty(
    t,
    fc.asyncProperty(
      fc.array(fc.array(opArb, { minLength: 1, maxLength: 120, size: "max" }), {
        minLength: 1,
        maxLength: 12,
        size: "max",
      }),
      fc.integer({ min: 1, max: 4 }),
      async (blocks, reopenEvery) => {
        const db = createMemoryDatabase();
        let store = await openStateStore({ db, keepRecent: 0 });
        const model = new Map<number, Uint8Array>();
        for (let b = 0; b < blocks.length; b++) {
          for (const [i, value] of blocks[b]!) {
            if (value === null) {
              store.working.delete(keyOf(i));
              model.delete(i);
            } else {
              store.working.set(keyOf(i), value);
              model.set(i, value);
            }
          }
          const expected = referenceRoot([...model].map(([i, v]) => [keyOf(i), v]));
          if (!equalBytes(store.workingRoot(), expected)) return false;
          const batch = db.batch();
          if (!equalBytes(store.commit(batch, b + 1), expected)) return false;
          await batch.write();
          if ((b + 1) % reopenEvery !== 0) continue;
          store = await openStateStore({ db, keepRecent: 0 });
          if (!equalBytes(store.root, expected) || store.version !== b + 1) return false;
          let count = 0;
          for (const [key, value] of store.working.iterator()) {
            count++;
            const want = model.get((key[1]! << 8) | key[2]!);
            if (key.length !== 3 || key[0] !== 0x02 || want === undefined || !equalBytes(value, want)) return false;
          }
          if (count !== model.size) return false;
        }
        return true;
      },
    ),
    { numRuns: 40 },
  );
});
