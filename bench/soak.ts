/**
 * `make soak`: one real node process under a steady load for SOAK_MINUTES (default 30) at
 * SOAK_FRACTION (default 0.8) of the saturation measured at the start of the same run.
 * The load runs in windows of SOAK_WINDOW_SECONDS; each window reports throughput and commit
 * latency (submission -> the block on the websocket), and the node's RSS and heap are sampled
 * at every window end. The node is warm once SOAK_WARMUP_TXS (150,000) txs have committed:
 * its count-bounded caches (100,000 receipts the largest) fill up before that, by design.
 * Pass: RSS growth < 10% from the warm window to the last on a least-squares line through
 * every window in between (bench/lib/memoryTrend.ts says why not two samples; the trend of
 * each part of the memory is reported beside it, and the two samples' growth too), no window
 * with uncommitted txs (no stall), and every later window's p99 latency within 2x of the
 * warm window's. Growth and p99 from window 1 are reported too. Writes bench/results/soak.json
 * (with the load average). STRIKE_BIN runs another checkout's bin/strike.js (A/B runs).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { addGenesisAccount, loadGenesis, writeGenesis } from "../genesis/index.js";
import { freePort, runCliOk, waitForHeight } from "../test/helpers/localNode.js";
import { writeResult } from "./lib/machine.js";
import { benchNodeArgs, benchNodeEnv } from "./lib/nodeArgs.js";
import { memoryTrend } from "./lib/memoryTrend.js";
import { fetchAccountNumbers, newSender, runPhase, type Phase } from "./lib/sendPhase.js";
import { signSend } from "./lib/sendTx.js";

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const WINDOW_SECONDS = Number(process.env.SOAK_WINDOW_SECONDS ?? 60);
const FRACTION = Number(process.env.SOAK_FRACTION ?? 0.8);
const ACCOUNTS = Number(process.env.SOAK_ACCOUNTS ?? 200);
const LANES = Number(process.env.SOAK_LANES ?? 16);
const SATURATION_TXS_PER_ACCOUNT = Number(process.env.SOAK_SATURATION_TXS_PER_ACCOUNT ?? 20);
/** Committed txs before the run counts as warm (see the verdict). */
const WARMUP_TXS = Number(process.env.SOAK_WARMUP_TXS ?? 150_000);
/**
 * SOAK_MIN_RETAIN_BLOCKS=N: the node keeps only the last N blocks (min-retain-blocks), on a
 * genesis whose evidence max age is N too (the node never keeps fewer than that); 0 (the
 * default) keeps every block, as a node does unless told otherwise. Written to soak-retain.json
 * (soak-short-retain.json under 30 minutes).
 */
const MIN_RETAIN_BLOCKS = Number(process.env.SOAK_MIN_RETAIN_BLOCKS ?? 0);

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m === null ? NaN : Number(m[1]) / 1024;
}

/** The node's own memory split (prom-client's default metrics and RocksDB's own counts), in MB: where RSS goes. */
interface NodeMemory {
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  dbMemtablesMb: number;
  dbTableReadersMb: number;
  dbBlockCacheMb: number;
  dbSstFilesMb: number;
}

async function heapMb(metricsUrl: string): Promise<NodeMemory> {
  const text = await (await fetch(metricsUrl)).text();
  const read = (name: string): number => {
    const m = new RegExp(`^${name} (\\S+)`, "m").exec(text);
    return m === null ? NaN : Number(m[1]) / 2 ** 20;
  };
  return {
    heapUsedMb: read("nodejs_heap_size_used_bytes"),
    heapTotalMb: read("nodejs_heap_size_total_bytes"),
    externalMb: read("nodejs_external_memory_bytes"),
    dbMemtablesMb: read('strike_db_memory_bytes\\{kind="memtables"\\}'),
    dbTableReadersMb: read('strike_db_memory_bytes\\{kind="table_readers"\\}'),
    dbBlockCacheMb: read('strike_db_memory_bytes\\{kind="block_cache"\\}'),
    dbSstFilesMb: read("strike_db_sst_file_bytes"),
  };
}

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), "strike-soak-"));
  const chainId = "strike-soak-1";
  await runCliOk(["init", "--home", home, "--chain-id", chainId, "--moniker", "soak"]);
  const senders = Array.from({ length: ACCOUNTS }, newSender);
  const receiver = newSender().address;
  const genesisPath = join(home, "config/genesis.json");
  let doc = loadGenesis(genesisPath);
  for (const s of senders)
    doc = addGenesisAccount(doc, s.address, [
      { denom: "ustrike", amount: "100000000000000" },
      { denom: "uusdc", amount: "100000000000000" },
    ]);
  if (MIN_RETAIN_BLOCKS > 0)
    doc = {
      ...doc,
      consensus_params: {
        ...doc.consensus_params,
        evidence: { ...doc.consensus_params.evidence, max_age_num_blocks: String(MIN_RETAIN_BLOCKS) },
      },
    };
  writeGenesis(genesisPath, doc);

  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const wsUrl = rpcUrl.replace("http", "ws") + "/websocket";
  const metricsPort = await freePort();
  const nodeArgs = benchNodeArgs();
  const node = spawn(
    process.execPath,
    [
      ...nodeArgs,
      process.env.STRIKE_BIN ?? "bin/strike.js",
      "start",
      "--instrumentation.prometheus",
      "true",
      "--instrumentation.prometheus_listen_addr",
      `127.0.0.1:${metricsPort}`,
      "--home",
      home,
      "--rpc.laddr",
      `tcp://127.0.0.1:${port}`,
      // Only when asked: a binary from before the setting (STRIKE_BIN) refuses the flag.
      ...(MIN_RETAIN_BLOCKS > 0 ? ["--min-retain-blocks", String(MIN_RETAIN_BLOCKS)] : []),
      "--p2p.laddr",
      `tcp://127.0.0.1:${await freePort()}`,
    ],
    { stdio: ["ignore", "ignore", "inherit"], env: benchNodeEnv() },
  );
  let seq = 0;
  /** Lanes of batches: `perAccount` sends from every sender, sequences continuing from the last. */
  const build = (perAccount: number): Uint8Array[][][] => {
    const lanes: Uint8Array[][][] = Array.from({ length: LANES }, () => []);
    for (let k = 0; k < perAccount; k++, seq++) {
      for (let l = 0; l < LANES; l++) {
        lanes[l]!.push(
          senders.filter((_, i) => i % LANES === l).map((s) => signSend(s, receiver, BigInt(seq), chainId)),
        );
      }
    }
    return lanes;
  };
  try {
    await waitForHeight(rpcUrl, 1n, 60_000);
    await fetchAccountNumbers(rpcUrl, senders);
    const saturation = await runPhase([rpcUrl], wsUrl, build(SATURATION_TXS_PER_ACCOUNT), undefined);
    const rate = Math.max(10, Math.floor(saturation.txPerSecond * FRACTION));
    const perAccount = Math.max(1, Math.ceil((rate * WINDOW_SECONDS) / ACCOUNTS));
    const windows: (Phase & NodeMemory & { rssMb: number; loadAverage1m: number })[] = [];
    const deadline = performance.now() + MINUTES * 60_000;
    while (performance.now() < deadline) {
      const phase = await runPhase([rpcUrl], wsUrl, build(perAccount), rate);
      const memory = await heapMb(`http://127.0.0.1:${metricsPort}/metrics`);
      windows.push({ ...phase, rssMb: rssMb(node.pid!), ...memory, loadAverage1m: loadavg()[0]! });
      const w = windows.at(-1)!;
      console.error(
        `window ${windows.length}: ${phase.committed}/${phase.accepted} committed, ${phase.txPerSecond.toFixed(0)} tx/s, p99 ${phase.latencyMs.p99.toFixed(0)} ms, rss ${w.rssMb.toFixed(0)} MB (heap ${w.heapUsedMb.toFixed(0)} of ${w.heapTotalMb.toFixed(0)}, external ${w.externalMb.toFixed(0)}; RocksDB memtables ${w.dbMemtablesMb.toFixed(0)}, table readers ${w.dbTableReadersMb.toFixed(0)}, block cache ${w.dbBlockCacheMb.toFixed(0)}; ${w.dbSstFilesMb.toFixed(0)} MB of files)`,
      );
    }
    // Warm: the first window by whose end the count-bounded caches are full (the receipt
    // store, the largest, holds 100,000 receipts), with half as much again for the heap to
    // settle. Growth and p99 are judged from there; from window 1 they are given too.
    let committed = saturation.committed;
    const warmIndex = windows.findIndex((w) => (committed += w.committed) >= WARMUP_TXS);
    const warm = windows[warmIndex === -1 ? 0 : warmIndex]!;
    const after = windows.slice(warmIndex === -1 ? 0 : warmIndex);
    const first = windows[0]!;
    const last = windows.at(-1)!;
    const sampledGrowth = (last.rssMb - warm.rssMb) / warm.rssMb;
    const trend = after.length >= 2 ? memoryTrend(after, WINDOW_SECONDS) : undefined;
    const rssGrowth = trend?.rss.growthFraction ?? sampledGrowth;
    const stalls = windows.filter((w) => w.committed === 0 || w.committed < w.accepted).length;
    const p99Ratio = Math.max(...after.map((w) => w.latencyMs.p99)) / warm.latencyMs.p99;
    // A run with retention is its own file: soak.json stays the node as it runs by default.
    const name = `${MINUTES >= 30 ? "soak" : "soak-short"}${MIN_RETAIN_BLOCKS > 0 ? "-retain" : ""}`;
    const path = writeResult(name, {
      setup: {
        minutes: MINUTES,
        minRetainBlocks: MIN_RETAIN_BLOCKS,
        windowSeconds: WINDOW_SECONDS,
        fraction: FRACTION,
        accounts: ACCOUNTS,
        lanes: LANES,
        warmupTxs: WARMUP_TXS,
      },
      saturation,
      rateTxPerSecond: rate,
      windows,
      verdict: {
        warmWindow: warmIndex === -1 ? "never warm: judged from window 1" : warmIndex + 1,
        rssGrowthFraction: rssGrowth,
        rssGrowthBelow10Percent: rssGrowth < 0.1,
        rssTrend: trend ?? "one window after warm-up: judged from its sample",
        rssGrowthFractionLastSampleOverWarmSample: sampledGrowth,
        windowsWithUncommittedTxs: stalls,
        noStall: stalls === 0,
        worstP99OverWarmP99: p99Ratio,
        p99Stable: p99Ratio <= 2,
        fromWindow1: {
          rssGrowthFraction: (last.rssMb - first.rssMb) / first.rssMb,
          worstP99OverFirstP99: Math.max(...windows.map((w) => w.latencyMs.p99)) / first.latencyMs.p99,
        },
      },
    });
    console.log(readFileSync(path, "utf8"));
    if (!(rssGrowth < 0.1 && stalls === 0 && p99Ratio <= 2)) process.exitCode = 1;
  } finally {
    node.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 3000));
    node.kill("SIGKILL");
    await rm(home, { recursive: true, force: true });
  }
}

await main();
