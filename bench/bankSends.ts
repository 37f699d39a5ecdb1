/**
 * Signed bank sends per second through one real node process (RocksDB, RPC, mempool,
 * consensus), submitted over JSON-RPC and counted when committed, with commit latency
 * (submission → the client sees the block over the websocket). Two phases: saturation
 * (as fast as the node takes them) and a paced run at half that rate for latency.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { addGenesisAccount, loadGenesis, writeGenesis } from "../genesis/index.js";
import { freePort, runCliOk, waitForHeight } from "../test/helpers/localNode.js";
import { writeResult } from "./lib/machine.js";
import { fetchAccountNumbers, newSender, runPhase } from "./lib/sendPhase.js";
import { signSend } from "./lib/sendTx.js";

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 200);
const TXS_PER_ACCOUNT = Number(process.env.BENCH_TXS_PER_ACCOUNT ?? 60);
const LANES = Number(process.env.BENCH_LANES ?? 16);

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
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter((a) => a !== "");
  const node = spawn(
    process.execPath,
    [
      ...nodeArgs,
      "bin/strike.js",
      "start",
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
    await waitForHeight(rpcUrl, 1n, 60_000);
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
    const path = writeResult("bank-sends", {
      setup: {
        accounts: ACCOUNTS,
        txsPerAccount: TXS_PER_ACCOUNT,
        lanes: LANES,
        batchPerRequest: Math.ceil(ACCOUNTS / LANES),
        presignSecondsForSaturationPhase: signSeconds,
      },
      targets: { txPerSecond: 5000, p50LatencyMs: 300 },
      saturation,
      paced: { ratePerSecond: pacedRate, ...paced },
      verificationCeilingPerSecond: ceiling ?? null,
      fractionOfVerificationCeiling: ceiling === undefined ? null : saturation.txPerSecond / ceiling,
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
