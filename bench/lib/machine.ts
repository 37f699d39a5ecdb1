import { cpus, freemem, loadavg, totalmem, platform, release } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** What every benchmark result records about where it ran. */
export function machineInfo(): Record<string, unknown> {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? "unknown",
    cores: c.length,
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    os: `${platform()} ${release()}`,
    node: process.version,
    // 1, 5 and 15 minute load averages when the result was written: a busy machine explains a slow figure.
    loadAverage: loadavg(),
  };
}

export function writeResult(name: string, figures: Record<string, unknown>): string {
  const path = join(import.meta.dirname, "..", "results", `${name}.json`);
  mkdirSync(dirname(path), { recursive: true });
  const doc = { benchmark: name, date: new Date().toISOString(), machine: machineInfo(), ...figures };
  writeFileSync(path, JSON.stringify(doc, null, 2) + "\n");
  return path;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
