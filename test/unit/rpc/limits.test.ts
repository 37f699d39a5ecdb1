/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON-RPC replies are asserted field by field */
/**
 * The RPC listener's bounds: open connections, idle connections, batch size, unread
 * websocket replies, subscription queries. Each with the real server on loopback.
 */
import test from "ava";
import { connect, type Socket } from "node:net";
import { WebSocket } from "ws";
import { startRpcServer, type RpcServer, type RpcServerOptions } from "../../../chain/rpc/server.js";
import { buildHarness, type Harness } from "./fixture.js";

let h: Harness;
test.before(async () => {
  h = await buildHarness();
});

async function withServer(
  options: Partial<RpcServerOptions>,
  run: (server: RpcServer) => Promise<void>,
): Promise<void> {
  const server = await startRpcServer({ laddr: "tcp://127.0.0.1:0", services: h.services, ...options });
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

/** A raw TCP connection; resolves `closed` when the server closes it. */
async function rawConnection(
  server: RpcServer,
): Promise<{ socket: Socket; closed: Promise<void>; data: () => string }> {
  const socket = connect(server.port, "127.0.0.1");
  let text = "";
  socket.on("data", (d: Buffer) => (text += d.toString()));
  socket.on("error", () => {});
  const closed = new Promise<void>((r) => socket.once("close", () => r()));
  await new Promise<void>((r, j) => {
    socket.once("connect", () => r());
    socket.once("error", j);
  });
  return { socket, closed, data: () => text };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function within<T>(p: Promise<T>, ms: number): Promise<T | "timeout"> {
  return Promise.race([p, sleep(ms).then(() => "timeout" as const)]);
}

async function post(server: RpcServer, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(server.url, { method: "POST", body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text === "" ? undefined : JSON.parse(text) };
}

test.serial(
  "connections past max_open_connections are closed at once, and the node serves again when they leave",
  async (t) => {
    await withServer({ maxOpenConnections: 5 }, async (server) => {
      const held = await Promise.all(Array.from({ length: 5 }, () => rawConnection(server)));
      const extra = await Promise.all(Array.from({ length: 3 }, () => rawConnection(server)));
      for (const e of extra) t.not(await within(e.closed, 2000), "timeout", "an extra connection is refused");
      for (const c of held) t.is(await within(c.closed, 200), "timeout", "connections under the cap stay open");
      for (const c of held) c.socket.destroy();
      await Promise.all(held.map((c) => c.closed));
      await sleep(50);
      const { status, json } = await post(server, { jsonrpc: "2.0", id: 1, method: "health" });
      t.is(status, 200);
      t.deepEqual(json.result, {});
    });
  },
);

test.serial("a connection that sends nothing is closed after the idle timeout", async (t) => {
  await withServer({ idleTimeoutMs: 1000 }, async (server) => {
    const c = await rawConnection(server);
    const started = Date.now();
    t.not(await within(c.closed, 5000), "timeout");
    t.true(Date.now() - started >= 1000, "not before the timeout");
  });
});

test.serial(
  "a request sent on an idle keep-alive socket during an event-loop stall is answered, not reset",
  async (t) => {
    await withServer({ idleTimeoutMs: 1000 }, async (server) => {
      const c = await rawConnection(server);
      const request = `POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 45\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"health"}   `;
      c.socket.write(request);
      while (!c.data().includes('"result"')) await sleep(10);
      t.regex(c.data(), /keep-alive: timeout=1/i, "the idle timeout is advertised");
      await sleep(800);
      // The client sends its next request just before the timeout; the server's loop then stalls past it.
      c.socket.write(request.replace('"id":1', '"id":2'));
      const until = Date.now() + 2500;
      while (Date.now() < until) {
        // a synchronous stall, as a long block execution would cause
      }
      t.is(await within(c.closed, 1500), "timeout", "the socket was not closed with a request waiting");
      t.regex(c.data(), /"id":2/);
      c.socket.destroy();
    });
  },
);

test.serial("an HTTP batch above max_batch_requests is refused whole", async (t) => {
  await withServer({ maxBatchRequests: 10 }, async (server) => {
    const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "health" }));
    const ok = await post(server, batch(10));
    t.is(ok.json.length, 10);
    const refused = await post(server, batch(11));
    t.is(refused.json.error.code, -32600);
    t.regex(refused.json.error.data, /batch of 11 requests exceeds max_batch_requests 10/);
  });
});

test.serial(
  "a batch stops running calls past max_batch_response_bytes and answers the rest with an error",
  async (t) => {
    const big = { genesis_time: "2023-11-14T22:13:20Z", padding: "x".repeat(50_000) };
    const server = await startRpcServer({
      laddr: "tcp://127.0.0.1:0",
      services: { ...h.services, genesis: () => big },
      maxBatchResponseBytes: 200_000,
    });
    try {
      const batch = Array.from({ length: 50 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "genesis" }));
      const { json } = await post(server, batch);
      t.is(json.length, 50, "every request is answered");
      const answered = json.filter((r: any) => r.result !== undefined).length;
      t.true(answered >= 4 && answered <= 5, `${answered} genesis answers fit in 200 kB`);
      t.regex(json[49].error.data, /max_batch_response_bytes 200000/);
      t.is(json[49].id, 49);
    } finally {
      await server.close();
    }
  },
);

test.serial("a websocket client that stops reading is cut once its unread replies pass the write buffer", async (t) => {
  const big = { padding: "x".repeat(100_000) };
  const server = await startRpcServer({
    laddr: "tcp://127.0.0.1:0",
    services: { ...h.services, genesis: () => big },
    websocketWriteBufferBytes: 1_000_000,
  });
  try {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/websocket`);
    await new Promise((r) => ws.once("open", r));
    const closed = new Promise<void>((r) => ws.once("close", () => r()));
    // Stop reading: replies pile up in the kernel, then in the server's send buffer.
    (ws as unknown as { _socket: Socket })._socket.pause();
    const batch = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "genesis" })));
    for (let i = 0; i < 20; i++) ws.send(batch);
    await sleep(3000);
    (ws as unknown as { _socket: Socket })._socket.resume();
    t.not(await within(closed, 5000), "timeout", "the server closed the connection");
  } finally {
    await server.close();
  }
});

test.serial("a websocket client that does not answer pings is cut", async (t) => {
  await withServer({ websocketPingIntervalMs: 200 }, async (server) => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/websocket`);
    await new Promise((r) => ws.once("open", r));
    const closed = new Promise<void>((r) => ws.once("close", () => r()));
    (ws as unknown as { _socket: Socket })._socket.pause();
    await sleep(1000);
    (ws as unknown as { _socket: Socket })._socket.resume();
    t.not(await within(closed, 3000), "timeout");
  });
});

test.serial("subscribe refuses a query longer than 512 bytes, as CometBFT", async (t) => {
  await withServer({}, async (server) => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/websocket`);
    await new Promise((r) => ws.once("open", r));
    const reply = new Promise<any>((r) => ws.once("message", (m) => r(JSON.parse(m.toString()))));
    const query = `tm.event='Tx' AND transfer.recipient='${"a".repeat(900_000)}'`;
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { query } }));
    const r = await reply;
    t.regex(r.error.data, /maximum query length exceeded/);
    t.is(h.services.eventBus.numClients(), 0, "nothing was subscribed");
    ws.close();
  });
});
