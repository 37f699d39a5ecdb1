/** One submission phase of a tx-throughput benchmark: send signed txs, watch blocks, measure. */
import { jsonRpcQuerier } from "../../chain/client/comet.js";
import { cosmosQueries } from "../../chain/client/queries.js";
import { createQueryRpc } from "../../chain/client/queryRpc.js";
import { randomBytes } from "node:crypto";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import WebSocket from "ws";
import { postJson } from "./jsonRpc.js";
import { percentile } from "./machine.js";
import { senderFromKey, sha256, signSend, type Sender } from "./sendTx.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

export interface Phase {
  submitted: number;
  accepted: number;
  rejected: number;
  /** Refused at submission, by `codespace/code: log` (first 80 characters). */
  rejectedReasons: Record<string, number>;
  committed: number;
  seconds: number;
  txPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  blocks: number;
  meanTxsPerBlock: number;
}

/**
 * Submits each lane's batches over JSON-RPC (lane i to rpcUrls[i mod n]), as fast as
 * possible or paced at `ratePerSecond`, and counts txs when a NewBlock event on `wsUrl`
 * shows them committed.
 */
export async function runPhase(
  rpcUrls: readonly string[],
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
  const rejectedReasons: Record<string, number> = {};
  let submitted = 0;
  const start = performance.now();
  const total = lanes.reduce((n, l) => n + l.reduce((m, b) => m + b.length, 0), 0);
  await Promise.all(
    lanes.map(async (batches, lane) => {
      const rpcUrl = rpcUrls[lane % rpcUrls.length]!;
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
        const res = JSON.parse((await postJson(rpcUrl, JSON.stringify(body))).text) as {
          result?: { code: number; codespace?: string; log?: string };
          error?: { message?: string };
        }[];
        for (const r of res) {
          if (r.result?.code === 0) accepted++;
          else {
            rejected++;
            const reason =
              r.result === undefined
                ? `rpc: ${r.error?.message ?? "no result"}`
                : `${r.result.codespace ?? ""}/${r.result.code}: ${(r.result.log ?? "").slice(0, 80)}`;
            rejectedReasons[reason] = (rejectedReasons[reason] ?? 0) + 1;
          }
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
    rejectedReasons,
    committed,
    seconds,
    txPerSecond: committed / seconds,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN },
    blocks,
    meanTxsPerBlock: blocks === 0 ? 0 : committed / blocks,
  };
}

/**
 * Signed sends to `receiver` for sequences [from, to) of every sender, split into `lanes`
 * lanes (sender i in lane i mod lanes); each lane is a list of batches, one batch per
 * sequence, so a sender's txs go in sequence order.
 */
export function signLanes(
  senders: readonly Sender[],
  receiver: string,
  chainId: string,
  lanes: number,
  from: number,
  to: number,
): Uint8Array[][][] {
  const out: Uint8Array[][][] = Array.from({ length: lanes }, () => []);
  for (let seq = from; seq < to; seq++) {
    for (let l = 0; l < lanes; l++) {
      out[l]!.push(senders.filter((_, i) => i % lanes === l).map((s) => signSend(s, receiver, BigInt(seq), chainId)));
    }
  }
  return out;
}

/** A sender with a fresh random key (a random scalar is below the curve order with overwhelming probability). */
export function newSender(): Sender {
  for (;;) {
    try {
      return senderFromKey(randomBytes(32));
    } catch {
      continue;
    }
  }
}

/** Reads each sender's account number from the chain (they are assigned at genesis). */
export async function fetchAccountNumbers(rpcUrl: string, senders: Sender[]): Promise<void> {
  for (const s of senders) {
    const res = await cosmosQueries(createQueryRpc(jsonRpcQuerier(rpcUrl))).auth.Account({ address: s.address });
    s.accountNumber = BaseAccount.decode(res.account!.value).accountNumber;
  }
}
