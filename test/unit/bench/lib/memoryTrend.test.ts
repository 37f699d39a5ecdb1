/**
 * The soak's memory verdict (bench/lib/memoryTrend.ts): a line through every window, so a
 * memtable's sawtooth does not read as growth and a slow leak under noise still does.
 */
import test from "ava";
import { fitLine, memoryTrend, type MemorySample } from "../../../../bench/lib/memoryTrend.js";

test("a line through exact points is those points", (t) => {
  const f = fitLine([10, 12, 14, 16]);
  t.is(f.start, 10);
  t.is(f.end, 16);
  t.is(f.slope, 2);
});

test("a line needs two samples", (t) => {
  t.throws(() => fitLine([1]), { instanceOf: RangeError });
});

function sample(rssMb: number, dbMemtablesMb: number, dbTableReadersMb: number): MemorySample {
  return { rssMb, heapUsedMb: 200, heapTotalMb: 500, externalMb: 40, dbMemtablesMb, dbTableReadersMb };
}

test("a memtable filling and flushing is not growth; a slow climb under it is, and is named", (t) => {
  // 60 windows of 60 s: the memtable goes 0 → 60 MB and flushes every 4 windows.
  const flat: MemorySample[] = [];
  const leaking: MemorySample[] = [];
  for (let w = 0; w < 60; w++) {
    const memtable = (w % 4) * 20;
    flat.push(sample(700 + memtable, memtable, 5));
    // Table readers grow 1 MB a window: 60 MB an hour.
    leaking.push(sample(700 + memtable + w, memtable, 5 + w));
  }
  const f = memoryTrend(flat, 60);
  t.true(Math.abs(f.rss.growthFraction) < 0.01, `flat run judged ${f.rss.growthFraction}`);
  const l = memoryTrend(leaking, 60);
  t.true(l.rss.growthFraction > 0.07, `leaking run judged ${l.rss.growthFraction}`);
  t.true(Math.abs(l.mbPerHour.dbTableReadersMb - 60) < 1e-9);
  t.true(Math.abs(l.mbPerHour.heapTotalMb) < 1e-9);
  // Two single samples would judge the flat run as growing by 60 MB (from a flushed to a full memtable).
  t.is(flat[56]!.rssMb - flat[59]!.rssMb, -60);
});
