/**
 * Signed bank sends through a 4-validator localnet on this one machine (four node
 * processes sharing its cores, libp2p on loopback), submitted round-robin to all four
 * RPC servers and counted when committed. Phases: a saturated warm-up (reported, not
 * counted: nodes just started compile their hot code as they go), saturation, then paced at 1,000 tx/s
 * (the latency target's rate) or half the saturated rate if that is lower. Also reports
 * the block interval and the share of heights decided in round 0.
 * Writes bench/results/localnet-sends.json.
 *
 * The localnet is `strike testnet`'s default (its timeout_commit included); the machine's
 * secp256k1 verification rate and the load average are measured in the same run, and each
 * phase says where the cores went (bench/lib/threadCpu.ts): each validator's event loop
 * running and waiting for a core, the clients' share, and the machine's busy and stolen time.
 *
 *   npx tsx bench/localnetSends.ts    (BENCH_ACCOUNTS, BENCH_TXS_PER_ACCOUNT, BENCH_WARMUP_TXS_PER_ACCOUNT, BENCH_LANES; BENCH_LABEL=before|after
 *   records the run under that label, keeping the other; STRIKE_BIN runs another checkout's bin/strike.js;
 *   BENCH_TIMEOUT_COMMIT=150ms runs the localnet with another timeout_commit than `strike testnet`'s;
 *   BENCH_START_ARGS="--consensus.create_empty_blocks false" adds flags to each `strike start`)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { addGenesisAccount, loadGenesis, writeGenesis } from "../genesis/index.js";
import { latestHeight, portBase, rpc, runCliOk, waitForHeight } from "../test/helpers/localNode.js";
import { measureVerificationLimit, resultsDir, writeResult } from "./lib/machine.js";
import { benchNodeEnv, localnetNodeArgs } from "./lib/nodeArgs.js";
import { fetchAccountNumbers, newSender, runPhase, signLanes } from "./lib/sendPhase.js";
import { cpuBetween, cpuSnapshot } from "./lib/threadCpu.js";

const VALIDATORS = 4;
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 256);
const TXS_PER_ACCOUNT = Number(process.env.BENCH_TXS_PER_ACCOUNT ?? 20);
/** Each account's txs in the warm-up burst before the saturation phase (not counted in it). */
const WARMUP_TXS_PER_ACCOUNT = Number(process.env.BENCH_WARMUP_TXS_PER_ACCOUNT ?? 10);
const LANES = Number(process.env.BENCH_LANES ?? 64);
const LABEL = process.env.BENCH_LABEL ?? "after";
const STRIKE_BIN = process.env.STRIKE_BIN ?? "bin/strike.js";
const TARGET_RATE = 1000;

async function consensusStats(rpcUrl: string, from: bigint, to: bigint) {
  let round0 = 0;
  const times: number[] = [];
  for (let h = from; h <= to; h++) {
    const c = await rpc<{ signed_header: { header: { time: string }; commit: { round: number } } }>(rpcUrl, "commit", {
      height: String(h),
    });
    if (c.signed_header.commit.round === 0) round0++;
    times.push(Date.parse(c.signed_header.header.time));
  }
  const n = Number(to - from + 1n);
  return {
    heights: n,
    round0CommitRate: n === 0 ? 0 : round0 / n,
    meanBlockIntervalMs: times.length < 2 ? NaN : (times.at(-1)! - times[0]!) / (times.length - 1),
  };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "strike-bench-localnet-"));
  // Below the kernel's ephemeral range (32768–60999 here), and claimed against other runs: a
  // base in that range lost a validator's port to an outgoing connection in one run of five.
  const base = await portBase(VALIDATORS);
  const chainId = "strike-local-1";
  await runCliOk([
    "testnet",
    "--validators",
    String(VALIDATORS),
    "--output",
    dir,
    "--starting-port",
    String(base),
    "--accounts",
    "",
    ...(process.env.BENCH_TIMEOUT_COMMIT === undefined ? [] : ["--timeout-commit", process.env.BENCH_TIMEOUT_COMMIT]),
  ]);
  // What `strike testnet` chose, as the nodes will read it.
  const timeoutCommit = /^timeout_commit\s*=\s*"([^"]+)"/m.exec(
    readFileSync(join(dir, "node0", "config", "config.toml"), "utf8"),
  )?.[1];
  const senders = Array.from({ length: ACCOUNTS }, newSender);
  const receiver = newSender().address;
  const genesisPath = (i: number) => join(dir, `node${i}`, "config", "genesis.json");
  let doc = loadGenesis(genesisPath(0));
  for (const s of senders)
    doc = addGenesisAccount(doc, s.address, [
      { denom: "ustrike", amount: "100000000000" },
      { denom: "uusdc", amount: "100000000000" },
    ]);
  writeGenesis(genesisPath(0), doc);
  for (let i = 1; i < VALIDATORS; i++) await copyFile(genesisPath(0), genesisPath(i));

  const rpcUrls = Array.from({ length: VALIDATORS }, (_, i) => `http://127.0.0.1:${base + 10 * i + 1}`);
  // The V8 flags `make start` gives its validators, then BENCH_NODE_ARGS (--cpu-prof, --heap-prof, ...) for each.
  const nodeArgs = localnetNodeArgs();
  const startArgs = (process.env.BENCH_START_ARGS ?? "").split(" ").filter((a) => a !== "");
  const nodes: ChildProcess[] = Array.from({ length: VALIDATORS }, (_, i) =>
    spawn(process.execPath, [...nodeArgs, STRIKE_BIN, "start", "--home", join(dir, `node${i}`), ...startArgs], {
      stdio: ["ignore", "ignore", "inherit"],
      env: benchNodeEnv(),
    }),
  );
  try {
    // A validator that could not start (a port taken meanwhile) fails the run at once, not after 3 minutes.
    for (const [i, url] of rpcUrls.entries()) await waitForHeight(url, 2n, 180_000, () => nodes[i]!.exitCode);
    const loadAtStart = loadavg();
    const limit = await measureVerificationLimit();
    // Where the cores went in each phase: the validators, this process (the clients), the machine.
    const pids = [...nodes.map((n) => n.pid ?? -1), process.pid];
    const cpuOf = (a: ReturnType<typeof cpuSnapshot>) => {
      const d = cpuBetween(a, cpuSnapshot(pids));
      return {
        validators: nodes.map((n) => d.processes.get(n.pid ?? -1)),
        clients: d.processes.get(process.pid),
        machine: d.machine,
      };
    };
    // The idle block interval: a few heights with no load (and what empty blocks cost the cores).
    const idleFrom = await latestHeight(rpcUrls[0]!);
    const cpuIdle = cpuSnapshot(pids);
    await new Promise((r) => setTimeout(r, 5_000));
    const idleCpu = cpuOf(cpuIdle);
    const idleStats = await consensusStats(rpcUrls[0]!, idleFrom + 1n, await latestHeight(rpcUrls[0]!));
    const idleCores = idleCpu.validators.map((v) => v?.cores ?? 0);
    const idle = {
      ...idleStats,
      cpu: idleCpu,
      // What an empty block costs each validator (all its threads): the fixed cost every block pays under load too.
      cpuMsPerBlockPerValidator:
        Math.round((idleCores.reduce((a, b) => a + b, 0) / idleCores.length) * idleStats.meanBlockIntervalMs * 100) /
        100,
    };
    await fetchAccountNumbers(rpcUrls[0]!, senders);
    const half = Math.floor(TXS_PER_ACCOUNT / 2);
    const build = (from: number, to: number) => signLanes(senders, receiver, chainId, LANES, from, to);
    const ws = rpcUrls[0]!.replace("http", "ws") + "/websocket";
    // A node just started compiles its hot code while it runs, which a validator that has run
    // for a while has done (bench/bankSends.ts): a saturated warm-up, reported, not counted.
    const W = WARMUP_TXS_PER_ACCOUNT;
    const warmup = W > 0 ? await runPhase(rpcUrls, ws, build(0, W), undefined) : null;
    const h0 = await latestHeight(rpcUrls[0]!);
    const cpu0 = cpuSnapshot(pids);
    const saturation = await runPhase(rpcUrls, ws, build(W, W + half), undefined);
    const saturationCpu = cpuOf(cpu0);
    const pacedRate = Math.min(TARGET_RATE, Math.max(100, Math.floor(saturation.txPerSecond / 2)));
    const cpu1 = cpuSnapshot(pids);
    const paced = await runPhase(rpcUrls, ws, build(W + half, W + TXS_PER_ACCOUNT), pacedRate);
    const pacedCpu = cpuOf(cpu1);
    const h1 = await latestHeight(rpcUrls[0]!);
    const stats = await consensusStats(rpcUrls[0]!, h0 + 1n, h1);

    const verifyPath = join(import.meta.dirname, "results", "verify.json");
    const ceiling = existsSync(verifyPath)
      ? (JSON.parse(readFileSync(verifyPath, "utf8")) as { figures?: { secp256k1?: { allCores?: number } } }).figures
          ?.secp256k1?.allCores
      : undefined;
    // Every validator verifies every tx on the same cores: the machine's ceiling is shared four ways.
    const run = {
      label: LABEL,
      binary: STRIKE_BIN,
      timeoutCommit: timeoutCommit ?? null,
      loadAverage: { atStart: loadAtStart, atEnd: loadavg() },
      machineLimitInRun: { ...limit, perValidator: limit.secp256k1PerSecondAllCores / VALIDATORS },
      idle,
      warmup,
      saturation: { ...saturation, cpu: saturationCpu },
      paced: { ratePerSecond: pacedRate, ...paced, cpu: pacedCpu },
      consensus: stats,
      fractionOfLimitInRunPerValidator: saturation.txPerSecond / (limit.secp256k1PerSecondAllCores / VALIDATORS),
      verificationCeilingIdleMachine: ceiling ?? null,
    };
    const resultPath = join(resultsDir(), "localnet-sends.json");
    const previous = existsSync(resultPath)
      ? (JSON.parse(readFileSync(resultPath, "utf8")) as Record<string, unknown>)
      : {};
    const path = writeResult("localnet-sends", {
      setup: {
        validators: VALIDATORS,
        accounts: ACCOUNTS,
        txsPerAccount: TXS_PER_ACCOUNT,
        warmupTxsPerAccount: WARMUP_TXS_PER_ACCOUNT,
        lanes: LANES,
        nodeArgs,
      },
      targets: {
        sustainedTxPerSecond: 2500,
        pacedRate: TARGET_RATE,
        p50LatencyMs: 300,
        p99LatencyMs: 1000,
        idleBlockIntervalMs: 250,
      },
      ...(LABEL === "before" ? { before: run, after: previous["after"] } : { before: previous["before"], after: run }),
    });
    console.log(readFileSync(path, "utf8"));
  } finally {
    // SIGINT lets a profiled node write its profile; SIGKILL follows if it does not stop.
    for (const n of nodes) n.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 3000));
    for (const n of nodes) n.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
