import test from "ava";
import { evictOldest } from "../../../chain/types/evictOldest.js";

test("a small cache is cut back to exactly its capacity, oldest first", (t) => {
  const m = new Map<number, string>();
  for (let i = 0; i < 5; i++) {
    m.set(i, `v${i}`);
    evictOldest(m, 3);
  }
  t.deepEqual([...m.keys()], [2, 3, 4]);
  const s = new Set<string>(["a", "b", "c", "d"]);
  evictOldest(s, 4);
  t.deepEqual([...s], ["a", "b", "c", "d"], "at capacity nothing goes");
  evictOldest(s, 2);
  t.deepEqual([...s], ["c", "d"]);
});

test("a large cache is cut back by 1/64 of its capacity at once, never above capacity, and `drop` does the deleting", (t) => {
  const m = new Map<number, number>();
  const dropped: number[] = [];
  const drop = (k: number) => {
    dropped.push(k);
    m.delete(k);
  };
  let max = 0;
  let passes = 0;
  for (let i = 0; i < 10_000; i++) {
    m.set(i, i);
    const before = dropped.length;
    evictOldest(m, 6_400, drop);
    if (dropped.length > before) passes++;
    max = Math.max(max, m.size);
  }
  t.is(max, 6_400);
  // A pass walks every slot deleted since V8 last rebuilt the table: 36 passes, not 3,600.
  t.is(passes, Math.ceil((10_000 - 6_400) / 100));
  t.true(m.size >= 6_300 && m.size <= 6_400, String(m.size));
  // Exactly the oldest went, in order.
  t.deepEqual(dropped, [...Array(10_000 - m.size).keys()]);
  t.is([...m.keys()][0], 10_000 - m.size);
});
