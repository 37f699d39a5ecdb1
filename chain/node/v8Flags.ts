/**
 * The V8 flags a validator process runs with, and whether this process has them.
 *
 * `--max-semi-space-size=64`: a node allocates short-lived objects at a high rate (decoded
 * txs, branches, events), and with V8's default young generation (16 MB semi-spaces) it
 * scavenges every few milliseconds, promoting objects that die soon after. A 64 MB
 * semi-space gave a saturated one-node soak 8-9% more committed txs per 30 s window (three
 * alternated pairs, 2026-12-03) for ~70 MB more RSS.
 *
 * V8 sizes the young generation when the process starts: `v8.setFlagsFromString` afterwards
 * leaves it as it was (checked), unlike `--heap-growing-percent`, which `strike start` sets
 * from app.toml. So the flag goes on node's command line: bin/strike.js's shebang (`npx
 * strike start`, `./bin/strike.js start`), scripts/localnet.sh and the benchmarks pass it,
 * NODE_OPTIONS may carry it, and `strike start` says so when it is missing.
 */
export const NODE_V8_FLAGS: readonly string[] = ["--max-semi-space-size=64"];

/**
 * Added where several validators share one machine's cores, as `make start`'s local network
 * runs four on this project's two (scripts/localnet.sh, and the benchmarks that start such a
 * network). V8 collects garbage with helper threads (a parallel young-generation scavenge,
 * concurrent marking), sized for the machine's cores as if the process had them to itself;
 * four processes' helpers then compete for two cores with the four event loops.
 * `--single-threaded-gc` does the same collection on the process's own thread. Measured
 * (2026-12-06, two alternated pairs each, same code): the 4-validator localnet took 712 / 704
 * -> 785 / 738 bank sends/s saturated (localnetSends.ts) and 745 / 737 -> 830 / 837 orders/s
 * at its 1,000/s phase (receiptLatency.ts); one node alone, with a core to spare for the
 * helpers, fell from 2,350 / 2,418 to 2,154 / 2,211 tx/s (bankSends.ts). So a validator on a
 * machine of its own keeps V8's default.
 */
export const SHARED_CORES_V8_FLAGS: readonly string[] = ["--single-threaded-gc"];

/**
 * The environment a validator process starts with, for glibc's malloc, which reads it once
 * when the process starts (so, like the V8 flags, it rides on bin/strike.js's shebang and
 * scripts/localnet.sh, and the benchmarks pass it).
 *
 * `MALLOC_MMAP_THRESHOLD_=4194304`: allocations of 4 MiB and more always come from mmap and
 * go back to the system when freed. By default glibc raises that threshold to the size of the
 * largest block freed so far, so RocksDB's 8 MiB memtable blocks, once the first is freed, come
 * from the threads' malloc arenas and stay there after their memtable is flushed: most of what
 * grew in a node's RSS over a soak was those arenas, outside V8's heap and RocksDB's own counts.
 * Measured with `make soak` (30 minutes, one node at 80% of the saturation measured first,
 * 16 KiB blocks, the same binary, one after the other on 2026-12-07): with glibc's default,
 * 1.41M txs at 840 tx/s, RSS 784 MB at the warm window, 918 MB at ~500k txs, 1,023 MB at
 * most and 978 at the end (+25%); with the setting, 1.31M txs at 753 tx/s, RSS 707 MB at the
 * warm window, 731 MB at ~500k txs, 838 MB at most and 812 at the end (+15%, of which RocksDB's
 * memtables, 3 MB then and 42 MB at the end, +6 points). The second run's load was 10% lower.
 * (And three 20-minute soaks side by side at equal load, 2026-12-06: what RSS held beyond the
 * heap, the memtables and the table readers, 200–257 MB with the default, 146–170 MB with it.)
 */
export const NODE_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: "4194304" };

/** The settings of NODE_ENV that `env` does not make (a value of one's own counts as made). */
export function missingNodeEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(NODE_ENV)
    .filter(([name]) => env[name] === undefined)
    .map(([name, value]) => `${name}=${value}`);
}

/** The flags of NODE_V8_FLAGS that neither node's command line nor NODE_OPTIONS sets. */
export function missingV8Flags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = [...execArgv, ...(nodeOptions ?? "").split(/\s+/)].map((a) => a.split("=")[0]!.replaceAll("_", "-"));
  return NODE_V8_FLAGS.filter((f) => !given.includes(f.split("=")[0]!));
}
