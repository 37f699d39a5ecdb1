/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON-RPC replies are asserted field by field */
/**
 * The waits of one batch run out together (chain/rpc/waits.ts): calls run one after another,
 * but each counts its wait from when the batch began, so a batch of many waiting calls holds
 * its connection about one wait, not their sum. The real server and receipt store behind the
 * fake chain.
 */
import test from "ava";
import { WebSocket } from "ws";
import { createEd25519Signer, ed25519Address } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { startRpcServer, type RpcServer, type RpcServerOptions } from "../../../chain/rpc/server.js";
import type { RpcServices, SequencerView } from "../../../chain/rpc/services.js";
import { ReceiptStatus, signReceipt, type Receipt } from "../../../chain/sequencer/receipt.js";
import { receiptToJson } from "../../../chain/sequencer/receiptJson.js";
import { createReceiptStore, type ReceiptStore } from "../../../chain/sequencer/receiptStore.js";
import { buildHarness, CHAIN_ID, cosmosTx, type Harness } from "./fixture.js";

const sequencerKey = createEd25519Signer(new Uint8Array(32).fill(3));

let h: Harness;
test.before(async () => {
  h = await buildHarness();
});

function sequencerOver(store: ReceiptStore, extra: Partial<SequencerView> = {}): SequencerView {
  return {
    async receipt(txHash, waitMs) {
      const r = waitMs > 0 ? await store.wait(txHash, waitMs) : store.get(txHash);
      return r === undefined ? undefined : receiptToJson(r.signed, r.stage);
    },
    info: () => undefined,
    ...extra,
  };
}

async function withServer(
  services: RpcServices,
  options: Partial<RpcServerOptions>,
  run: (s: RpcServer) => Promise<void>,
): Promise<void> {
  const server = await startRpcServer({ laddr: "tcp://127.0.0.1:0", services, ...options });
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

/** Posts a batch; a server that runs its waits one after another fails the test at `abortMs` rather than after their sum. */
async function postBatch(server: RpcServer, batch: unknown[], abortMs: number): Promise<{ json: any[]; ms: number }> {
  const started = performance.now();
  const res = await fetch(server.url, {
    method: "POST",
    body: JSON.stringify(batch),
    signal: AbortSignal.timeout(abortMs),
  });
  const json = (await res.json()) as any[];
  return { json, ms: performance.now() - started };
}

const hashHex = (i: number) => Buffer.from(sha256(Buffer.from(`never-sent-${i}`))).toString("hex");
const receiptCall = (id: number, hash: string, waitMs: number) => ({
  jsonrpc: "2.0",
  id,
  method: "strike_receipt",
  params: { hash, wait_ms: waitMs },
});

function receiptOf(tx: Uint8Array): Receipt {
  return {
    chainId: CHAIN_ID,
    height: 4n,
    index: 0,
    txHash: sha256(tx),
    code: 0,
    codespace: "",
    resultHash: sha256(tx),
    fills: [],
    sequencerAddress: ed25519Address(sequencerKey.publicKey),
    epoch: 1n,
    previousReceiptHash: new Uint8Array(0),
    status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
    log: "",
    data: new Uint8Array(0),
    gasWanted: 0n,
    gasUsed: 0n,
  };
}

test("a batch of 200 strike_receipt calls waiting 500 ms for txs that never come answers in about 500 ms, each not found", async (t) => {
  const services = { ...h.services, sequencer: sequencerOver(createReceiptStore()) };
  await withServer(services, {}, async (server) => {
    // One after another these would hold the connection 100 s.
    const batch = Array.from({ length: 200 }, (_, i) => receiptCall(i, hashHex(i), 500));
    const { json, ms } = await postBatch(server, batch, 10_000);
    t.true(ms >= 500 && ms < 3_000, `answered in ${ms.toFixed(0)} ms`);
    t.is(json.length, 200);
    json.forEach((a, i) => {
      t.is(a.id, i);
      t.regex(a.error?.data ?? "", /^no receipt for tx [0-9A-F]{64} on this node/);
    });
  });
});

test("the largest wait of a batch is how long it holds the connection, and a receipt that comes within it is found by a call late in the batch", async (t) => {
  const store = createReceiptStore();
  const tx = cosmosTx("late-in-batch", "1");
  const services = { ...h.services, sequencer: sequencerOver(store) };
  await withServer(services, {}, async (server) => {
    const batch = [
      ...Array.from({ length: 20 }, (_, i) => receiptCall(i, hashHex(i), 300)),
      receiptCall(20, Buffer.from(sha256(tx)).toString("hex"), 1_500),
    ];
    const r = receiptOf(tx);
    setTimeout(() => store.add(signReceipt(r, sequencerKey), r, 0), 800);
    const { json, ms } = await postBatch(server, batch, 10_000);
    t.true(ms >= 800 && ms < 1_500, `answered in ${ms.toFixed(0)} ms, when the receipt came`);
    t.true(json.slice(0, 20).every((a) => /^no receipt/.test(a.error?.data ?? "")));
    t.is(json[20].result.receipt.tx_hash, Buffer.from(sha256(tx)).toString("hex").toUpperCase());
  });
});

test("a websocket batch of waiting calls answers in about one wait too", async (t) => {
  const services = { ...h.services, sequencer: sequencerOver(createReceiptStore()) };
  await withServer(services, {}, async (server) => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/websocket`);
    await new Promise((r) => ws.once("open", r));
    const answers: any[] = [];
    const all = new Promise<void>((resolve) =>
      ws.on("message", (m) => {
        answers.push(JSON.parse(m.toString()));
        if (answers.length === 100) resolve();
      }),
    );
    const started = performance.now();
    ws.send(JSON.stringify(Array.from({ length: 100 }, (_, i) => receiptCall(i, hashHex(i), 400))));
    const outcome = await Promise.race([all, new Promise((r) => setTimeout(() => r("timeout"), 10_000))]);
    const ms = performance.now() - started;
    t.not(outcome, "timeout", `${answers.length} of 100 answered`);
    t.true(ms < 3_000, `answered in ${ms.toFixed(0)} ms`);
    t.true(answers.every((a) => /^no receipt/.test(a.error?.data ?? "")));
    ws.close();
  });
});

test("a batch of broadcast_tx_commit calls holds the connection one timeout; the calls past it are refused and their txs not broadcast", async (t) => {
  await withServer(h.services, { timeoutBroadcastTxCommitMs: 300 }, async (server) => {
    const before = h.admitted.length;
    const txs = Array.from({ length: 20 }, (_, i) => cosmosTx(`commit-batch-${i}`, "1"));
    const batch = txs.map((tx, i) => ({
      jsonrpc: "2.0",
      id: i,
      method: "broadcast_tx_commit",
      params: { tx: Buffer.from(tx).toString("base64") },
    }));
    // One after another these would take 6 s.
    const { json, ms } = await postBatch(server, batch, 5_000);
    t.true(ms >= 300 && ms < 2_000, `answered in ${ms.toFixed(0)} ms`);
    t.regex(json[0].error.data, /timed out waiting for tx to be included in a block/);
    const refused = json.filter((a) => /the tx was not broadcast: send it again on its own/.test(a.error?.data ?? ""));
    t.true(refused.length >= 18, `${refused.length} refused`);
    t.is(h.admitted.length - before, 20 - refused.length, "a refused call changed nothing");
  });
});

test("a batch of speculative queries relayed to a sequencer that does not answer stops relaying after 10 s", async (t) => {
  const services = {
    ...h.services,
    sequencer: sequencerOver(createReceiptStore(), {
      speculativeQuery: () =>
        new Promise((r) => setTimeout(() => r({ unavailable: "no answer within 2500 ms" }), 2_500)),
    }),
  };
  await withServer(services, {}, async (server) => {
    const batch = Array.from({ length: 12 }, (_, i) => ({
      jsonrpc: "2.0",
      id: i,
      method: "strike_speculative_query",
      params: { path: "/strike.margin.v1.Query/Subaccounts", data: "" },
    }));
    // One after another these would take 30 s.
    const { json, ms } = await postBatch(server, batch, 16_000);
    t.true(ms < 13_500, `answered in ${ms.toFixed(0)} ms`);
    t.is(json.length, 12);
    t.true(json.slice(0, 4).every((a) => /no answer within 2500 ms/.test(a.error?.data ?? "")));
    t.regex(json[11].error.data, /this batch has waited 10000 ms on its calls already/);
  });
});
