/**
 * Signed bank sends per second through one real node process (RocksDB, RPC, mempool,
 * consensus), submitted over JSON-RPC and counted when committed, with commit latency
 * (submission → the client sees the block over the websocket). Two phases: saturation
 * (as fast as the node takes them) and a paced run at half that rate for latency. The
 * machine's secp256k1 verification rate and the load average are measured in the same run.
 *
 *   npx tsx bench/bankSends.ts   (BENCH_ACCOUNTS, BENCH_TXS_PER_ACCOUNT, BENCH_LANES; BENCH_LABEL=before|after
 *   records the run under that label, keeping the other; STRIKE_BIN runs another checkout's bin/strike.js)
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
import { benchNodeArgs } from "./lib/nodeArgs.js";
import { samples } from "./lib/metrics.js";
import { fetchAccountNumbers, newSender, runPhase } from "./lib/sendPhase.js";
import { signSend } from "./lib/sendTx.js";

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 256);
const TXS_PER_ACCOUNT = Number(process.env.BENCH_TXS_PER_ACCOUNT ?? 20);
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
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  try {
    await waitForHeight(rpcUrl, 1n, 120_000);
    const loadAtStart = loadavg();
    const limit = await measureVerificationLimit();
    await fetchAccountNumbers(rpcUrl, senders);
    const half = Math.floor(TXS_PER_ACCOUNT / 2);
    const build = (from: number, to: number): Uint8Array[][][] => {
      const lanes: Uint8Array[][][] = Array.from({ length: LANES }, () => []);
      for (let seq = from; seq < to; seq++) {
        for (let l = 0; l < LANES; l++) {
          lanes[l]!.push(
            senders.filter((_, i) => i % LANES === l).map((s) => signSend(s, receiver, BigInt(seq), chainId)),
          );
        }
      }
      return lanes;
    };
    const signStart = performance.now();
    const saturationTxs = build(0, half);
    const signSeconds = (performance.now() - signStart) / 1000;
    const saturation = await runPhase([rpcUrl], rpcUrl.replace("http", "ws") + "/websocket", saturationTxs, undefined);
    const pacedRate = Math.max(100, Math.floor(saturation.txPerSecond / 2));
    const paced = await runPhase(
      [rpcUrl],
      rpcUrl.replace("http", "ws") + "/websocket",
      build(half, TXS_PER_ACCOUNT),
      pacedRate,
    );

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
    const run = {
      label: LABEL,
      binary: STRIKE_BIN,
      loadAverage: { atStart: loadAtStart, atEnd: loadavg() },
      machineLimitInRun: limit,
      saturation,
      paced: { ratePerSecond: pacedRate, ...paced },
      fractionOfLimitInRun: saturation.txPerSecond / limit.secp256k1PerSecondAllCores,
      executionReuse,
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
        txsPerAccount: TXS_PER_ACCOUNT,
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
