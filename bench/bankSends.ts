/**
 * Signed bank sends per second through one real node process (RocksDB, RPC, mempool,
 * consensus), submitted over JSON-RPC and counted when committed, with commit latency
 * (submission → the client sees the block over the websocket). Two phases: saturation
 * (as fast as the node takes them) and a paced run at half that rate for latency.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import WebSocket from "ws";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { addGenesisAccount, loadGenesis, writeGenesis } from "../genesis/index.js";
import { freePort, rpc, runCliOk, waitForHeight } from "../test/helpers/localNode.js";
import { percentile, writeResult } from "./lib/machine.js";
import { senderFromKey, sha256, signSend, type Sender } from "./lib/sendTx.js";

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 200);
const TXS_PER_ACCOUNT = Number(process.env.BENCH_TXS_PER_ACCOUNT ?? 60);
const LANES = Number(process.env.BENCH_LANES ?? 16);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

function newSender(): Sender {
  // A random scalar is below the curve order with overwhelming probability; retry otherwise.
  for (;;) {
    try {
      return senderFromKey(randomBytes(32));
    } catch {
      continue;
    }
  }
}

interface Phase {
  submitted: number;
  accepted: number;
  rejected: number;
  committed: number;
  seconds: number;
  txPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  blocks: number;
  meanTxsPerBlock: number;
}

async function runPhase(
  rpcUrl: string,
  wsUrl: string,
  lanes: Uint8Array[][][],
  ratePerSecond: number | undefined,
): Promise<Phase> {
  const submitAt = new Map<string, number>();
  const latencies: number[] = [];
  let committed = 0;
  let blocks = 0;
  let lastCommit = 0;
  const ws = new WebSocket(wsUrl);
  await new Promise<void>((r, j) => {
    ws.once("open", () => r());
    ws.once("error", j);
  });
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { query: "tm.event='NewBlock'" } }));
  ws.on("message", (data: Buffer) => {
    const now = performance.now();
    const msg = JSON.parse(data.toString()) as {
      result?: { data?: { value?: { block?: { data?: { txs?: string[] | null } } } } };
    };
    const txs = msg.result?.data?.value?.block?.data?.txs;
    if (txs === undefined) return;
    blocks++;
    for (const b64 of txs ?? []) {
      const h = hex(sha256(Buffer.from(b64, "base64")));
      const t0 = submitAt.get(h);
      if (t0 !== undefined) {
        latencies.push(now - t0);
        committed++;
        lastCommit = now;
      }
    }
  });
  await new Promise((r) => setTimeout(r, 300));

  let accepted = 0;
  let rejected = 0;
  let submitted = 0;
  const start = performance.now();
  const total = lanes.reduce((n, l) => n + l.reduce((m, b) => m + b.length, 0), 0);
  await Promise.all(
    lanes.map(async (batches) => {
      for (const batch of batches) {
        if (ratePerSecond !== undefined) {
          const due = start + (submitted / ratePerSecond) * 1000;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        const body = batch.map((tx, i) => ({
          jsonrpc: "2.0",
          id: i,
          method: "broadcast_tx_sync",
          params: { tx: Buffer.from(tx).toString("base64") },
        }));
        const t = performance.now();
        for (const tx of batch) submitAt.set(hex(sha256(tx)), t);
        submitted += batch.length;
        const res = (await (
          await fetch(rpcUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
          })
        ).json()) as { result?: { code: number } }[];
        for (const r of res) {
          if (r.result?.code === 0) accepted++;
          else rejected++;
        }
      }
    }),
  );
  const deadline = performance.now() + 60_000;
  while (committed < accepted && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  ws.close();
  const seconds = ((lastCommit || performance.now()) - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    submitted: total,
    accepted,
    rejected,
    committed,
    seconds,
    txPerSecond: committed / seconds,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN },
    blocks,
    meanTxsPerBlock: blocks === 0 ? 0 : committed / blocks,
  };
}

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
    for (const s of senders) {
      const q = await rpc<{ response: { value: string } }>(rpcUrl, "abci_query", {
        path: "/cosmos.auth.v1beta1.Query/Account",
        data: Buffer.from(encodeAccountQuery(s.address)).toString("hex"),
      });
      s.accountNumber = decodeAccountNumber(Buffer.from(q.response.value, "base64"));
    }
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
    const saturation = await runPhase(rpcUrl, rpcUrl.replace("http", "ws") + "/websocket", saturationTxs, undefined);
    const pacedRate = Math.max(100, Math.floor(saturation.txPerSecond / 2));
    const paced = await runPhase(
      rpcUrl,
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

function encodeAccountQuery(address: string): Uint8Array {
  return QueryAccountRequest.encode({ address }).finish();
}

function decodeAccountNumber(value: Uint8Array): bigint {
  const res = QueryAccountResponse.decode(value);
  return BaseAccount.decode(res.account!.value).accountNumber;
}

await main();
