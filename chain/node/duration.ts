/** Go-style durations, apart from the config schema so that the CLI can parse one without loading zod. */
const durationUnitsMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Go-style durations ("200ms", "1s", "1m30s", "1.5s") to whole milliseconds. */
export function parseDuration(s: string): number | undefined {
  const text = s.trim();
  if (text === "0") return 0;
  const part = /(\d+)(?:\.(\d+))?(ms|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(part)) {
    const unit = durationUnitsMs[m[3]!]!;
    const frac = m[2] ?? "";
    // Integer arithmetic on the fraction so "1.5s" is exactly 1500.
    total += Number(m[1]) * unit + Math.round((Number(frac || "0") * unit) / 10 ** frac.length);
    consumed += m[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}

export function formatDuration(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
