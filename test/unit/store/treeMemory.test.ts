/**
 * The tree's nodes live in slab blocks freed by hand (chain/store/tree/slab.ts): a block
 * freed too early corrupts a live node (the root tests would catch it), one never freed is
 * a leak that nothing else would notice. After commits, plans dropped by later writes and
 * rollbacks, the live blocks are exactly the tree's nodes (as many as a store reopened
 * from the database loads), and closing the stores frees them all.
 */

import test from "ava";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { openStateStore } from "../../../chain/store/stateStore.js";
import { liveBlocks } from "../../../chain/store/tree/slab.js";

let seed = 0x9e3779b9;
function random(n: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}

const keyOf = (i: number): Uint8Array => Uint8Array.of(0x02, i >> 8, i & 0xff);

test("live blocks are the tree's nodes after commits, dropped plans and rollbacks, and none once the stores close", async (t) => {
  const before = liveBlocks();
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 3 });
  for (let b = 1; b <= 60; b++) {
    const writes = (): void => {
      for (let k = random(200); k > 0; k--) {
        const i = random(3000);
        if (random(5) === 0) store.working.delete(keyOf(i));
        else store.working.set(keyOf(i), Uint8Array.of(b, random(256)));
      }
    };
    writes();
    store.workingRoot(); // a plan, dropped by the writes after it
    writes();
    if (random(6) === 0) {
      store.workingRoot();
      store.rollback();
      writes();
    }
    const batch = db.batch();
    store.commit(batch, b);
    await batch.write();
  }
  const held = liveBlocks() - before;
  t.true(held > 100);
  const reopened = await openStateStore({ db, keepRecent: 3 });
  t.deepEqual(reopened.root, store.root);
  t.is(liveBlocks() - before - held, held);
  await reopened.close();
  await store.close();
  t.is(liveBlocks(), before);
});
