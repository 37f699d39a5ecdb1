/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON-RPC replies are asserted field by field */
/**
 * The node-wide write budget (chain/rpc/sendBudget.ts): clients that ask for large answers and
 * do not read them cannot make the server queue more than rpc.write_buffer_total_bytes, all
 * connections together; the ones holding the most are cut with close code 1013 and a reason,
 * and a client that reads its answers keeps getting them. The real server on loopback.
 */
import test from "ava";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

test("calls queued behind a slow one count in the budget: many connections each sending large calls cannot hold more than it", async (t) => {
  // A receipt wait holds each connection's queue for a while (strike_receipt with wait_ms).
  const services = {
    ...h.services,
    sequencer: { ...h.services.sequencer!, receipt: (_hash: Uint8Array, waitMs: number) => sleep(waitMs) },
  };
  const server = await startRpcServer({ laddr: "tcp://127.0.0.1:0", services, writeBufferTotalBytes: BUDGET });
  const PAD = "x".repeat(900_000);
  try {
    let peakSeen = 0;
    const sampler = setInterval(() => (peakSeen = Math.max(peakSeen, server.writeBuffers().queued)), 2);
    // 20 clients, each: a 1.5 s wait, then seven ~900 KB calls behind it (126 MB against 8 MB).
    const clients: { ws: WebSocket; closed: Promise<{ code: number; reason: string }>; answers: any[] }[] = [];
    for (let i = 0; i < 20; i++) {
      const ws = new WebSocket(`${server.url.replace("http", "ws")}/websocket`);
      ws.on("error", () => {});
      const answers: any[] = [];
      ws.on("message", (m) => answers.push(JSON.parse(m.toString())));
      const closed = new Promise<{ code: number; reason: string }>((r) =>
        ws.once("close", (code, reason) => r({ code, reason: reason.toString() })),
      );
      await new Promise((r) => ws.once("open", r));
      const hash = "AB".repeat(32);
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 0, method: "strike_receipt", params: { hash, wait_ms: "1500" } }));
      for (let k = 1; k <= 7; k++)
        ws.send(JSON.stringify({ jsonrpc: "2.0", id: k, method: "health", params: { pad: PAD } }));
      clients.push({ ws, closed, answers });
    }
    const outcomes = await Promise.all(clients.map((c) => Promise.race([c.closed, sleep(6000).then(() => undefined)])));
    clearInterval(sampler);
    const stats = server.writeBuffers();
    t.true(stats.peak <= BUDGET, `peak ${stats.peak} within the budget ${BUDGET}`);
    t.true(peakSeen <= BUDGET, `seen ${peakSeen}`);
    const cut = outcomes.filter((o) => o !== undefined);
    t.true(cut.length >= 5, `${cut.length} connections cut`);
    for (const c of cut) t.true(c.code === 1013 || c.code === 1006, `closed with ${c.code} (${c.reason})`);
    t.true(
      cut.some((c) => c.code === 1013 && /buffers full/.test(c.reason)),
      cut.map((c) => `${c.code} ${c.reason}`).join("; "),
    );
    // The connections left open were answered every call, in order, the slow one first.
    const open = clients.filter((_, i) => outcomes[i] === undefined);
    t.true(open.length >= 1, "some connections fit in the budget");
    for (const c of open) {
      t.deepEqual(
        c.answers.map((a) => a.id),
        [0, 1, 2, 3, 4, 5, 6, 7],
      );
      t.true(c.answers.slice(1).every((a) => a.result !== undefined));
      c.ws.close();
    }
    // Everything counted was given back.
    const until = Date.now() + 3000;
    while (server.writeBuffers().queued > 0 && Date.now() < until) await sleep(20);
    t.is(server.writeBuffers().queued, 0);
  } finally {
    await server.close();
  }
});

test("HTTP request bodies count in the budget while they are read: stalled uploads cannot hold more than it, and aborted ones give back all they held", async (t) => {
  const server = await startRpcServer({
    laddr: "tcp://127.0.0.1:0",
    services: h.services,
    writeBufferTotalBytes: BUDGET,
  });
  const { port } = new URL(server.url);
  try {
    // 20 uploads that declare 950,000 bytes, send 900,000 and stall (18 MB against 8 MB).
    const sockets: Socket[] = [];
    const closedByServer: Promise<boolean>[] = [];
    for (let i = 0; i < 20; i++) {
      const s = connect(Number(port), "127.0.0.1");
      s.on("error", () => {});
      await new Promise((r) => s.once("connect", r));
      s.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 950000\r\n\r\n`);
      s.write("x".repeat(900_000));
      closedByServer.push(new Promise((r) => s.once("close", () => r(true))));
      sockets.push(s);
    }
    const until = Date.now() + 5000;
    while (server.writeBuffers().cut < 5 && Date.now() < until) await sleep(20);
    const stats = server.writeBuffers();
    t.true(stats.peak <= BUDGET, `peak ${stats.peak} within the budget ${BUDGET}`);
    t.true(stats.cut >= 5, `${stats.cut} uploads cut`);
    const closed = await Promise.all(closedByServer.map((p) => Promise.race([p, sleep(2000).then(() => false)])));
    t.true(closed.filter(Boolean).length >= 5, "the cut uploads' connections were closed");
    // The clients abort the rest: nothing stays counted (an aborted upload's error answer has no
    // connection to go to, and once kept ~100 bytes of the budget for good).
    for (const s of sockets) s.destroy();
    const until2 = Date.now() + 3000;
    while (server.writeBuffers().queued > 0 && Date.now() < until2) await sleep(20);
    t.is(server.writeBuffers().queued, 0);
    const res = await fetch(server.url, { method: "POST", body: '{"jsonrpc":"2.0","id":1,"method":"health"}' });
    t.is(res.status, 200);
  } finally {
    await server.close();
  }
});

test("a /ui file held unread by many clients is one buffer, counted once in the budget, and every client gets all of it", async (t) => {
  const uiDir = await mkdtemp(join(tmpdir(), "strike-ui-"));
  // Larger than what the kernel takes of a socket's writes, so that the server holds it.
  const FILE = 30_000_000;
  await writeFile(join(uiDir, "app.js"), "y".repeat(FILE));
  const server = await startRpcServer({
    laddr: "tcp://127.0.0.1:0",
    services: h.services,
    writeBufferTotalBytes: 2 * FILE,
    uiDir,
  });
  const { port } = new URL(server.url);
  try {
    // 20 clients ask for it and do not read: 600 MB of answers, were each a copy, against 60 MB.
    const clients: { s: Socket; got: number; done: Promise<void> }[] = [];
    for (let i = 0; i < 20; i++) {
      const s = connect(Number(port), "127.0.0.1");
      await new Promise((r) => s.once("connect", r));
      const c = { s, got: 0, done: Promise.resolve() };
      c.done = new Promise((r) => s.once("end", () => r()));
      s.on("data", (d: Buffer) => (c.got += d.length));
      s.pause();
      s.write("GET /ui/app.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      clients.push(c);
    }
    // Until the file is read and being sent (a loaded machine takes a while), then a moment more
    // for the last requests to be answered too.
    const until0 = Date.now() + 15_000;
    while (server.writeBuffers().queued === 0 && Date.now() < until0) await sleep(20);
    await sleep(500);
    const held = server.writeBuffers();
    t.is(held.queued, FILE, "the one buffer, counted once");
    t.is(held.cut, 0);
    t.is(held.refused, 0);
    for (const c of clients) c.s.resume();
    await Promise.all(clients.map((c) => c.done));
    for (const c of clients) t.true(c.got > FILE, `${c.got} bytes: headers and the whole file`);
    const until = Date.now() + 2000;
    while (server.writeBuffers().queued > 0 && Date.now() < until) await sleep(20);
    t.is(server.writeBuffers().queued, 0);
  } finally {
    await server.close();
    await rm(uiDir, { recursive: true, force: true });
  }
});
