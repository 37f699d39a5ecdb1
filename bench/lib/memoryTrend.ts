/**
 * Whether a node's memory grows, judged from per-window samples (bench/soak.ts). One sample
 * against another is a poor judge: RocksDB's memtable fills and empties (0 to 64 MiB, twice
 * that while one flushes) and the heap is sampled wherever its collector happens to be, so
 * two samples differ by tens of MB with nothing growing. A least-squares line through every
 * window after warm-up is judged instead, and each part of the memory gets its own line, so
 * that a growth names what grows.
 */

/** A straight line through evenly spaced samples: its value at the first and at the last. */
export interface Fitted {
  readonly start: number;
  readonly end: number;
  /** Change per sample interval. */
  readonly slope: number;
}

/** The least-squares line through `ys` sampled at 0, 1, 2, ...; needs two samples or more. */
export function fitLine(ys: readonly number[]): Fitted {
  const n = ys.length;
  if (n < 2) throw new RangeError(`a line needs two samples or more, got ${n}`);
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, y) => a + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let x = 0; x < n; x++) {
    sxy += (x - mx) * (ys[x]! - my);
    sxx += (x - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { start: my - slope * mx, end: my + slope * (n - 1 - mx), slope };
}

/** The memory a soak window samples, in MB. */
export interface MemorySample {
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly dbMemtablesMb: number;
  readonly dbTableReadersMb: number;
}

const PARTS = ["rssMb", "heapTotalMb", "heapUsedMb", "externalMb", "dbMemtablesMb", "dbTableReadersMb"] as const;

export interface MemoryTrend {
  readonly windows: number;
  /** RSS on the fitted line, first and last window, and the growth between as a fraction of the first. */
  readonly rss: { readonly startMb: number; readonly endMb: number; readonly growthFraction: number };
  /** MB per hour for RSS and each part (RocksDB's memtable and table readers, the heap, external buffers). */
  readonly mbPerHour: Record<(typeof PARTS)[number], number>;
}

/** The trend of `samples` taken every `windowSeconds`. */
export function memoryTrend(samples: readonly MemorySample[], windowSeconds: number): MemoryTrend {
  const perHour = 3600 / windowSeconds;
  const mbPerHour = {} as Record<(typeof PARTS)[number], number>;
  for (const part of PARTS) mbPerHour[part] = fitLine(samples.map((s) => s[part])).slope * perHour;
  const rss = fitLine(samples.map((s) => s.rssMb));
  return {
    windows: samples.length,
    rss: { startMb: rss.start, endMb: rss.end, growthFraction: (rss.end - rss.start) / rss.start },
    mbPerHour,
  };
}
