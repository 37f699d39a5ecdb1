/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON-RPC replies are asserted field by field */
/**
 * The node-wide write budget (chain/rpc/sendBudget.ts): clients that ask for large answers and
 * do not read them cannot make the server queue more than rpc.write_buffer_total_bytes, all
 * connections together; the ones holding the most are cut with close code 1013 and a reason,
 * and a client that reads its answers keeps getting them. The real server on loopback.
 */
import test from "ava";
import type { Socket } from "node:net";
import { WebSocket } from "ws";
import { startRpcServer } from "../../../chain/rpc/server.js";
import { buildHarness, type Harness } from "./fixture.js";

let h: Harness;
test.before(async () => {
  h = await buildHarness();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ~1 MB of JSON per `genesis` answer, as a big block's `block` or `block_results` would be. */
const BIG = { genesis_time: "2023-11-14T22:13:20Z", padding: "x".repeat(1_000_000) };
const BUDGET = 8_000_000;

interface SlowClient {
  ws: WebSocket;
  raw: Socket;
  closed: Promise<{ code: number; reason: string }>;
}

async function openSlowClient(url: string): Promise<SlowClient> {
  const ws = new WebSocket(`${url.replace("http", "ws")}/websocket`);
  ws.on("error", () => {});
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.once("close", (code, reason) => r({ code, reason: reason.toString() })),
  );
  await new Promise((r) => ws.once("open", r));
  const raw = (ws as unknown as { _socket: Socket })._socket;
  return { ws, raw, closed };
}

const genesisBatch = (from: number, n: number) =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ jsonrpc: "2.0", id: from + i, method: "genesis" })));

test("slow readers cannot queue more than the node-wide write budget; the biggest are cut with 1013 and a reader is served", async (t) => {
  const server = await startRpcServer({
    laddr: "tcp://127.0.0.1:0",
    services: { ...h.services, genesis: () => BIG },
    writeBufferTotalBytes: BUDGET,
  });
  try {
    // A client that reads: it asks for the same large answer throughout and must get every one.
    const reader = new WebSocket(`${server.url.replace("http", "ws")}/websocket`);
    await new Promise((r) => reader.once("open", r));
    const readerAnswers: any[] = [];
    reader.on("message", (m) => readerAnswers.push(JSON.parse(m.toString())));
    let readerAsked = 0;
    const readerLoop = setInterval(() => {
      reader.send(JSON.stringify({ jsonrpc: "2.0", id: ++readerAsked, method: "genesis" }));
    }, 20);

    // 30 clients that stop reading, then each ask for 16 MB of answers (the kernel takes a few MB
    // of each before the server holds any): 480 MB wanted against 8 MB.
    const slow: SlowClient[] = [];
    let peakSeen = 0;
    const sampler = setInterval(() => (peakSeen = Math.max(peakSeen, server.writeBuffers().queued)), 5);
    for (let i = 0; i < 30; i++) {
      const c = await openSlowClient(server.url);
      c.raw.pause();
      c.ws.send(genesisBatch(0, 16));
      slow.push(c);
    }
    const until = Date.now() + 10_000;
    while (server.writeBuffers().cut < 10 && Date.now() < until) await sleep(10);
    // The slow clients read again, within the second a cut client has to take its close frame.
    await sleep(100);
    for (const c of slow) c.raw.resume();
    await sleep(1000);
    clearInterval(readerLoop);
    clearInterval(sampler);

    const stats = server.writeBuffers();
    t.true(stats.peak <= BUDGET, `peak ${stats.peak} within the budget ${BUDGET}`);
    t.true(peakSeen <= BUDGET);
    t.true(stats.cut >= 10, `${stats.cut} connections were cut to make room`);

    // The clients cut were told why, unless they were dropped at once for an answer that needed
    // their bytes then; the ones not cut read their answers and stay.
    const closes = await Promise.all(slow.map((c) => Promise.race([c.closed, sleep(2000).then(() => undefined)])));
    const closed = closes.filter((c) => c !== undefined);
    const codes = closed.map((c) => c.code).join(",");
    t.true(closed.length >= 10, codes);
    for (const c of closed) t.true(c.code === 1013 || c.code === 1006, `closed with ${c.code} (${c.reason})`);
    const told = closed.filter((c) => c.code === 1013);
    t.true(told.length > 0, codes);
    for (const c of told) t.regex(c.reason, /write buffers full; \d+ bytes unread here/);
    for (const c of slow) c.ws.terminate();

    // The reader got an answer to everything it asked, every one of them the answer itself.
    const answered = Date.now() + 5000;
    while (readerAnswers.length < readerAsked && Date.now() < answered) await sleep(20);
    t.is(readerAnswers.length, readerAsked);
    t.true(readerAsked > 20, `${readerAsked} asked`);
    t.true(
      readerAnswers.every((a) => a.result?.genesis?.padding?.length === 1_000_000),
      JSON.stringify(readerAnswers.find((a) => a.error !== undefined)?.error),
    );
    t.is(reader.readyState, WebSocket.OPEN);
    reader.close();
  } finally {
    await server.close();
  }
});
