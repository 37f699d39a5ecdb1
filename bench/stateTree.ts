/**
 * State-tree commit throughput at 1M keys: load 1M keys, then commit blocks of 10k random
 * updates (roots + batch preparation + the RocksDB batch write), and reopen. Writes
 * bench/results/state-tree.json. Target: >= 100,000 updates/s.
 * The machine's limit, measured in the same run: RocksDB itself taking the same blocks as
 * plain batches of key/value puts (one put per update, nothing hashed or rebuilt), into a
 * database that already holds the same 1M keys; every figure is also given as a fraction of it.
 * The machine is shared: the load average at start and end is recorded with the figures.
 * CPU is given for the process, its main thread and RocksDB's background threads (Linux), with
 * the garbage collector's pauses.
 * Env: BENCH_KEYS (1000000), BENCH_BLOCKS (20), BENCH_KEEP (keepRecent, 100), BENCH_REOPEN=0 skips the reopen.
 */

import { readFileSync, readdirSync } from "node:fs";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { cpus, freemem, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { PerformanceObserver, performance } from "node:perf_hooks";
import { openRocksDatabase } from "../chain/store/rocksDb.js";
import { openStateStore } from "../chain/store/stateStore.js";
import { resultsDir } from "./lib/machine.js";
import { hasNodeV8Flags, runAsNode } from "./lib/nodeFlags.js";

runAsNode(import.meta.url);

const KEYS = Number(process.env["BENCH_KEYS"] ?? 1_000_000);
const LOAD_BLOCK = 100_000;
const UPDATE_BLOCK = 10_000;
const UPDATE_BLOCKS = Number(process.env["BENCH_BLOCKS"] ?? 20);
/** Unmeasured blocks after the load: JIT warm-up, and the collection of the load's garbage (100k-key blocks), which a running node does not carry. */
const WARMUP_BLOCKS = Number(process.env["BENCH_WARMUP"] ?? 2);
/** A node restart reopens the store: part of the figures unless BENCH_REOPEN=0. */
const MEASURE_REOPEN = process.env["BENCH_REOPEN"] !== "0";
const KEEP_RECENT = Number(process.env["BENCH_KEEP"] ?? 100);

let seed = 0x2545f491;
function random32(): number {
  // xorshift32: a fixed, reproducible workload
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

function putU32(out: Uint8Array, offset: number, x: number): void {
  out[offset] = x >>> 24;
  out[offset + 1] = (x >>> 16) & 0xff;
  out[offset + 2] = (x >>> 8) & 0xff;
  out[offset + 3] = x & 0xff;
}

function keyOf(i: number): Uint8Array {
  const k = new Uint8Array(25);
  k[0] = 0x02; // looks like a module-prefixed account key
  for (let j = 1; j < 21; j += 4) putU32(k, j, Math.imul(i + j, 0x9e3779b1) >>> 0);
  putU32(k, 21, i);
  return k;
}

function valueOf(n: number): Uint8Array {
  const v = new Uint8Array(48);
  putU32(v, 0, n);
  putU32(v, 44, random32());
  return v;
}

/**
 * CPU time (ms) of this process's threads from /proc (Linux; undefined elsewhere), as the
 * main thread's and RocksDB's background threads' (flushes and compactions): the process
 * figure counts both, and they compete for the same cores.
 */
function threadCpuMs(): { main: number; rocks: number } | undefined {
  try {
    const ticks = (stat: string): number => {
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(f[11]) + Number(f[12])) * 10; // USER_HZ is 100 on Linux
    };
    let rocks = 0;
    for (const t of readdirSync("/proc/self/task")) {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, "latin1");
      if (stat.includes("(rocksdb:")) rocks += ticks(stat);
    }
    // Read from the main thread: /proc/thread-self is the reader's own thread.
    return { main: ticks(readFileSync("/proc/thread-self/stat", "latin1")), rocks };
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const loadAverageAtStart = loadavg().map(round);
  const dir = await mkdtemp(join(tmpdir(), "strike-bench-state-"));
  try {
    const db = await openRocksDatabase(dir);
    const store = await openStateStore({ db, keepRecent: KEEP_RECENT });
    let version = 0;

    const loadStart = performance.now();
    for (let i = 0; i < KEYS; i += LOAD_BLOCK) {
      for (let j = i; j < Math.min(KEYS, i + LOAD_BLOCK); j++) store.working.set(keyOf(j), valueOf(j));
      const batch = db.batch();
      store.commit(batch, ++version);
      await batch.write();
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;

    let computeMs = 0;
    /** Process CPU time (all threads, RocksDB's included): on a shared machine, wall time also counts other processes' use of the cores. */
    let cpuMs = 0;
    let writeMs = 0;
    let batchOps = 0;
    const blockMs: number[] = [];
    let threads0: { main: number; rocks: number } | undefined;
    /** Garbage-collection pauses during the measured blocks. */
    let gcMs = 0;
    let measuring = false;
    const gcObserver = new PerformanceObserver((list) => {
      if (measuring) for (const e of list.getEntries()) gcMs += e.duration;
    });
    gcObserver.observe({ entryTypes: ["gc"] });
    for (let b = -WARMUP_BLOCKS; b < UPDATE_BLOCKS; b++) {
      if (b === 0) {
        threads0 = threadCpuMs();
        measuring = true;
      }
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let u = 0; u < UPDATE_BLOCK; u++) {
        // 90% updates of existing keys, 10% new keys
        const i = random32() % 10 < 9 ? random32() % KEYS : KEYS + (b + WARMUP_BLOCKS) * UPDATE_BLOCK + u;
        store.working.set(keyOf(i), valueOf(b));
      }
      const batch = db.batch();
      store.commit(batch, ++version);
      const t1 = performance.now();
      const ops = batch.length;
      await batch.write();
      const t2 = performance.now();
      if (b < 0) continue;
      const cpu = process.cpuUsage(cpu0);
      cpuMs += (cpu.user + cpu.system) / 1000;
      batchOps += ops;
      computeMs += t1 - t0;
      writeMs += t2 - t1;
      blockMs.push(t2 - t0);
    }
    // Pauses observed so far (the observer reports them asynchronously).
    await new Promise((resolve) => setImmediate(resolve));
    measuring = false;
    gcObserver.disconnect();
    const threads1 = threadCpuMs();
    const updates = UPDATE_BLOCKS * UPDATE_BLOCK;
    const totalMs = computeMs + writeMs;
    const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
    const heapUsedMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
    const root = Buffer.from(store.root).toString("hex");

    await store.close();
    await db.close();
    let reopenSeconds: number | null = null;
    let reopenedRootMatches: boolean | null = null;
    let reopenedRssMiB: number | null = null;
    if (MEASURE_REOPEN) {
      const reopenStart = performance.now();
      const db2 = await openRocksDatabase(dir);
      const reopened = await openStateStore({ db: db2, keepRecent: KEEP_RECENT });
      reopenSeconds = round((performance.now() - reopenStart) / 1000);
      reopenedRootMatches = Buffer.from(reopened.root).toString("hex") === root;
      reopenedRssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
      await reopened.close();
      await db2.close();
    }

    const limit = await measureRocksLimit();

    blockMs.sort((a, b) => a - b);
    const cpu = cpus();
    const result = {
      benchmark: "state-tree",
      date: new Date().toISOString(),
      machine: {
        cpu: cpu[0]?.model ?? "unknown",
        cores: cpu.length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        freeMemoryGiB: Math.round(freemem() / 2 ** 30),
        node: process.version,
        nodeV8Flags: hasNodeV8Flags(),
        loadAverage1m: round(loadavg()[0] ?? 0),
        loadAverageAtStart,
        loadAverageAtEnd: loadavg().map(round),
      },
      config: {
        keys: KEYS,
        loadBlock: LOAD_BLOCK,
        updateBlock: UPDATE_BLOCK,
        updateBlocks: UPDATE_BLOCKS,
        warmupBlocks: WARMUP_BLOCKS,
        keepRecent: KEEP_RECENT,
        valueBytes: 48,
        keyBytes: 25,
      },
      figures: {
        updatesPerSecond: Math.round(updates / (totalMs / 1000)),
        computeUpdatesPerSecond: Math.round(updates / (computeMs / 1000)),
        msPerBlock: {
          mean: round(totalMs / UPDATE_BLOCKS),
          p50: round(blockMs[Math.floor(blockMs.length / 2)]!),
          max: round(blockMs[blockMs.length - 1]!),
        },
        computeAndBatchMsPerBlock: round(computeMs / UPDATE_BLOCKS),
        rocksWriteMsPerBlock: round(writeMs / UPDATE_BLOCKS),
        cpuMsPerBlock: round(cpuMs / UPDATE_BLOCKS),
        mainThreadCpuMsPerBlock: threads0 && threads1 ? round((threads1.main - threads0.main) / UPDATE_BLOCKS) : null,
        rocksDbThreadsCpuMsPerBlock:
          threads0 && threads1 ? round((threads1.rocks - threads0.rocks) / UPDATE_BLOCKS) : null,
        gcPauseMsPerBlock: round(gcMs / UPDATE_BLOCKS),
        updatesPerCpuSecond: Math.round(updates / (cpuMs / 1000)),
        batchOpsPerBlock: Math.round(batchOps / UPDATE_BLOCKS),
        initialLoadSeconds: round(loadSeconds),
        initialLoadKeysPerSecond: Math.round(KEYS / loadSeconds),
        reopenSeconds,
        reopenedRootMatches,
        rssMiB: rssMb,
        heapUsedMiB,
        reopenedRssMiB,
      },
      limit,
      fractionOfLimit: {
        updatesPerSecond: round(updates / (totalMs / 1000) / limit.rocksBatchPutsPerSecond),
        updatesPerCpuSecond: round(updates / (cpuMs / 1000) / limit.rocksBatchPutsPerCpuSecond),
      },
      target: { updatesPerSecond: 100_000, met: updates / (totalMs / 1000) >= 100_000 },
    };
    await mkdir(resultsDir(), { recursive: true });
    await writeFile(join(resultsDir(), "state-tree.json"), JSON.stringify(result, null, 2) + "\n");
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * The ceiling for the updates above on this machine now: RocksDB writing the same workload as
 * plain puts (KEYS loaded in LOAD_BLOCK batches, then UPDATE_BLOCKS batches of UPDATE_BLOCK
 * puts, 90% existing keys, after WARMUP_BLOCKS unmeasured), the keys and values the store
 * would hold if a commit cost one put per update. A fresh database in its own directory.
 */
async function measureRocksLimit(): Promise<{
  rocksBatchPutsPerSecond: number;
  rocksBatchPutsPerCpuSecond: number;
  msPerBlock: number;
  loadAverage: number[];
}> {
  const dir = await mkdtemp(join(tmpdir(), "strike-bench-rocks-"));
  try {
    const db = await openRocksDatabase(dir);
    for (let i = 0; i < KEYS; i += LOAD_BLOCK) {
      const batch = db.batch();
      for (let j = i; j < Math.min(KEYS, i + LOAD_BLOCK); j++) batch.put(keyOf(j), valueOf(j));
      await batch.write();
    }
    let ms = 0;
    let cpuMs = 0;
    for (let b = -WARMUP_BLOCKS; b < UPDATE_BLOCKS; b++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const batch = db.batch();
      for (let u = 0; u < UPDATE_BLOCK; u++) {
        const i = random32() % 10 < 9 ? random32() % KEYS : KEYS + (b + WARMUP_BLOCKS) * UPDATE_BLOCK + u;
        batch.put(keyOf(i), valueOf(b));
      }
      await batch.write();
      if (b < 0) continue;
      ms += performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      cpuMs += (cpu.user + cpu.system) / 1000;
    }
    await db.close();
    const puts = UPDATE_BLOCKS * UPDATE_BLOCK;
    return {
      rocksBatchPutsPerSecond: Math.round(puts / (ms / 1000)),
      rocksBatchPutsPerCpuSecond: Math.round(puts / (cpuMs / 1000)),
      msPerBlock: round(ms / UPDATE_BLOCKS),
      loadAverage: loadavg().map(round),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
