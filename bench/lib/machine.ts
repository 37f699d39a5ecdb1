import { cpus, freemem, loadavg, totalmem, platform, release } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { hasNodeV8Flags } from "./nodeFlags.js";

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
    // Whether this process ran with the node's V8 flags (bench/lib/nodeFlags.ts).
    nodeV8Flags: hasNodeV8Flags(),
    // 1, 5 and 15 minute load averages when the result was written: a busy machine explains a slow figure.
    loadAverage: loadavg(),
  };
}

/**
 * Where results go: bench/results/, or BENCH_RESULTS_DIR (the benches' smoke test runs them
 * small and must not overwrite the committed figures).
 */
export function resultsDir(): string {
  return process.env["BENCH_RESULTS_DIR"] ?? join(import.meta.dirname, "..", "results");
}

export function writeResult(name: string, figures: Record<string, unknown>): string {
  const path = join(resultsDir(), `${name}.json`);
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

/**
 * This machine's secp256k1 verification rate right now (the limit a send benchmark is
 * measured against), on one thread and on every core through the node's own verifier pool:
 * measured in the benchmark's run, under the same load as its figures.
 */
export async function measureVerificationLimit(durationMs = 1500): Promise<{
  secp256k1PerSecondOneThread: number;
  secp256k1PerSecondAllCores: number;
  cores: number;
  loadAverage: number[];
}> {
  const { sha256 } = await import("../../chain/crypto/hash.js");
  const { secp256k1PublicKey, signSecp256k1, verifySecp256k1Digest } = await import("../../chain/crypto/secp256k1.js");
  const { createSignatureVerifierPool } = await import("../../chain/crypto/verifyPool.js");
  const inputs = Array.from({ length: 256 }, (_, i) => {
    const key = sha256(new TextEncoder().encode(`limit key ${i}`));
    const message = new TextEncoder().encode(`limit message ${i}`);
    return { pubkey: secp256k1PublicKey(key), digest: sha256(message), signature: signSecp256k1(key, message) };
  });
  let n = 0;
  let t0 = performance.now();
  while (performance.now() - t0 < durationMs) {
    const x = inputs[n++ % inputs.length]!;
    verifySecp256k1Digest(x.pubkey, x.digest, x.signature);
  }
  const oneThread = n / ((performance.now() - t0) / 1000);
  const cores = cpus().length;
  const pool = createSignatureVerifierPool({ threads: cores, maxBatch: 256 });
  try {
    await pool.verify(inputs);
    let verified = 0;
    t0 = performance.now();
    while (performance.now() - t0 < durationMs) {
      await Promise.all(Array.from({ length: cores * 2 }, () => pool.verify(inputs)));
      verified += cores * 2 * inputs.length;
    }
    const allCores = verified / ((performance.now() - t0) / 1000);
    return {
      secp256k1PerSecondOneThread: Math.round(oneThread),
      secp256k1PerSecondAllCores: Math.round(allCores),
      cores,
      loadAverage: loadavg(),
    };
  } finally {
    await pool.close();
  }
}
