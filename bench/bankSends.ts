/**
 * Signed bank sends per second through one real node process (RocksDB, RPC, mempool,
 * consensus), submitted over JSON-RPC and counted when committed, with commit latency
 * (submission → the client sees the block over the websocket). Phases, each a share of
 * every account's sequences:
 *   - warm-up: a saturated burst, reported but not the headline: a node just started
 *     compiles its hot code while it runs (V8 spent ~5 s of CPU on optimising compiles in
 *     the first 20 s of a loaded node), which a node that has run for a while has done;
 *   - saturation: as fast as the node takes them;
 *   - paced: at half that rate, for latency;
 *   - watched: saturated again with BENCH_WATCHERS websocket clients following every
 *     block as the web dashboard does (NewBlock), to show what open dashboards cost.
 * The machine's secp256k1 verification rate and the load average are measured in the same run.
 *
 *   npx tsx bench/bankSends.ts   (BENCH_ACCOUNTS, BENCH_TXS_PER_ACCOUNT (per phase), BENCH_WARMUP_TXS_PER_ACCOUNT,
 *   BENCH_WATCHERS, BENCH_LANES; BENCH_LABEL=before|after records the run under that label, keeping the
 *   other; STRIKE_BIN runs another checkout's bin/strike.js)
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { addGenesisAccount, loadGenesis, writeGenesis } from "../genesis/index.js";
import { freePort, runCliOk, waitForHeight } from "../test/helpers/localNode.js";
import { measureVerificationLimit, resultsDir, writeResult } from "./lib/machine.js";
import { watchBlocks } from "./lib/blockWatchers.js";
import { benchNodeArgs, benchNodeEnv } from "./lib/nodeArgs.js";
import { samples } from "./lib/metrics.js";
import { fetchAccountNumbers, newSender, runPhase, signLanes, type Phase } from "./lib/sendPhase.js";
import { cpuBetween, cpuSnapshot } from "./lib/threadCpu.js";

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 512);
/** Each account's txs in each of the saturation, paced and watched phases. */
const TXS_PER_ACCOUNT = Number(process.env.BENCH_TXS_PER_ACCOUNT ?? 20);
const WARMUP_TXS_PER_ACCOUNT = Number(process.env.BENCH_WARMUP_TXS_PER_ACCOUNT ?? 10);
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 10);
const LANES = Number(process.env.BENCH_LANES ?? 64);
const LABEL = process.env.BENCH_LABEL ?? "after";
const STRIKE_BIN = process.env.STRIKE_BIN ?? "bin/strike.js";

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), "strike-bench-"));
  const chainId = "strike-bench-1";
  await runCliOk(["init", "--home", home, "--chain-id", chainId, "--moniker", "bench"]);
  const senders = Array.from({ length: ACCOUNTS }, newSender);
  const receiver = newSender().address;
  const genesisPath = join(home, "config/genesis.json");
  let doc = loadGenesis(genesisPath);
  for (const s of senders)
    doc = addGenesisAccount(doc, s.address, [
      { denom: "ustrike", amount: "100000000000" },
      { denom: "uusdc", amount: "100000000000" },
    ]);
  writeGenesis(genesisPath, doc);

  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const nodeArgs = benchNodeArgs();
  const metricsPort = await freePort();
  const node = spawn(
    process.execPath,
    [
      ...nodeArgs,
      STRIKE_BIN,
      "start",
      "--instrumentation.prometheus",
      "true",
      "--instrumentation.prometheus_listen_addr",
      `127.0.0.1:${metricsPort}`,
      "--home",
      home,
      "--rpc.laddr",
      `tcp://127.0.0.1:${port}`,
      "--p2p.laddr",
      `tcp://127.0.0.1:${await freePort()}`,
    ],
    { stdio: ["ignore", "ignore", "inherit"], env: benchNodeEnv() },
  );
  try {
    await waitForHeight(rpcUrl, 1n, 120_000);
    const loadAtStart = loadavg();
    const limit = await measureVerificationLimit();
    await fetchAccountNumbers(rpcUrl, senders);
    const build = (from: number, to: number) => signLanes(senders, receiver, chainId, LANES, from, to);
    const wsUrl = rpcUrl.replace("http", "ws") + "/websocket";
    // Where the cores went in a phase: the node (its event loop apart), this process (the
    // clients, sharing the node's two cores) and the machine; per committed tx, the node's CPU
    // time, which a loaded machine's wait for a core does not inflate as it does the rate.
    const pids = [node.pid ?? -1, process.pid];
    const withCpu = async (phase: () => Promise<Phase>) => {
      const a = cpuSnapshot(pids);
      const r = await phase();
      const b = cpuSnapshot(pids);
      const d = cpuBetween(a, b);
      const nodeCpu = d.processes.get(node.pid ?? -1);
      // Over the whole phase (its quiet start and its tail included), as the shares are.
      const perTx = (share: number | undefined) =>
        share === undefined || r.committed === 0 ? null : Math.round((share * (b.atMs - a.atMs) * 1e3) / r.committed);
      return {
        ...r,
        cpu: { node: nodeCpu, clients: d.processes.get(process.pid), machine: d.machine },
        nodeCpuMicrosPerTx: { eventLoop: perTx(nodeCpu?.eventLoopRunning), allThreads: perTx(nodeCpu?.cores) },
      };
    };
    let next = 0;
    const take = (n: number): [number, number] => [next, (next += n)];
    const warmup =
      WARMUP_TXS_PER_ACCOUNT > 0
        ? await withCpu(() => runPhase([rpcUrl], wsUrl, build(...take(WARMUP_TXS_PER_ACCOUNT)), undefined))
        : null;
    const signStart = performance.now();
    const saturationTxs = build(...take(TXS_PER_ACCOUNT));
    const signSeconds = (performance.now() - signStart) / 1000;
    const saturation = await withCpu(() => runPhase([rpcUrl], wsUrl, saturationTxs, undefined));
    const pacedRate = Math.max(100, Math.floor(saturation.txPerSecond / 2));
    const paced = await withCpu(() => runPhase([rpcUrl], wsUrl, build(...take(TXS_PER_ACCOUNT)), pacedRate));
    const watchedTxs = build(...take(TXS_PER_ACCOUNT));
    const watchers = await watchBlocks(wsUrl, WATCHERS);
    let watched;
    try {
      watched = await withCpu(() => runPhase([rpcUrl], wsUrl, watchedTxs, undefined));
    } finally {
      watchers.close();
    }
    const perWatcher = watchers.received();

    const verifyPath = join(import.meta.dirname, "results", "verify.json");
    const ceiling = existsSync(verifyPath)
      ? (JSON.parse(readFileSync(verifyPath, "utf8")) as { figures?: { secp256k1?: { allCores?: number } } }).figures
          ?.secp256k1?.allCores
      : undefined;
    // How many blocks the node took from its own speculative execution (absent in older binaries).
    const executionReuse = await samples(
      `http://127.0.0.1:${metricsPort}/metrics`,
      "strike_block_execution_reuse_total",
    ).catch(() => ({}));
    // The mempool's re-checks after each commit: from the ante's record, or running it again (absent in older binaries).
    const mempoolRechecks = await samples(
      `http://127.0.0.1:${metricsPort}/metrics`,
      "strike_mempool_rechecks_total",
    ).catch(() => ({}));
    const run = {
      label: LABEL,
      binary: STRIKE_BIN,
      loadAverage: { atStart: loadAtStart, atEnd: loadavg() },
      machineLimitInRun: limit,
      warmup,
      saturation,
      paced: { ratePerSecond: pacedRate, ...paced },
      watched: {
        watchers: WATCHERS,
        ...watched,
        blocksPerWatcher: WATCHERS === 0 ? null : Math.min(...perWatcher.map((w) => w.blocks)),
        megabytesPerWatcher:
          WATCHERS === 0 ? null : Math.round(Math.max(...perWatcher.map((w) => w.bytes)) / 1e4) / 100,
        fractionOfSaturation: watched.txPerSecond / saturation.txPerSecond,
      },
      fractionOfLimitInRun: saturation.txPerSecond / limit.secp256k1PerSecondAllCores,
      executionReuse,
      mempoolRechecks,
      verificationCeilingIdleMachine: ceiling ?? null,
      fractionOfIdleCeiling: ceiling === undefined ? null : saturation.txPerSecond / ceiling,
    };
    const resultPath = join(resultsDir(), "bank-sends.json");
    const previous = existsSync(resultPath)
      ? (JSON.parse(readFileSync(resultPath, "utf8")) as Record<string, unknown>)
      : {};
    const path = writeResult("bank-sends", {
      setup: {
        accounts: ACCOUNTS,
        txsPerAccountPerPhase: TXS_PER_ACCOUNT,
        warmupTxsPerAccount: WARMUP_TXS_PER_ACCOUNT,
        watchers: WATCHERS,
        lanes: LANES,
        batchPerRequest: Math.ceil(ACCOUNTS / LANES),
        presignSecondsForSaturationPhase: signSeconds,
      },
      targets: { txPerSecond: 5000, p50LatencyMs: 300 },
      ...(LABEL === "before" ? { before: run, after: previous["after"] } : { before: previous["before"], after: run }),
    });
    console.log(readFileSync(path, "utf8"));
  } finally {
    // SIGINT lets a profiled node write its profile; SIGKILL follows if it does not stop.
    node.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 3000));
    node.kill("SIGKILL");
    await rm(home, { recursive: true, force: true });
  }
}

await main();
