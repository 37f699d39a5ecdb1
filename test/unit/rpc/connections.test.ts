import test from "ava";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { trackConnections } from "../../../chain/rpc/connections.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function serve(
  handler: Parameters<typeof createServer>[1],
): Promise<{ server: Server; url: string; port: number }> {
  const server = createServer();
  trackConnections(server, { maxOpenConnections: 10, idleTimeoutMs: 5_000, stalledWriteTimeoutMs: 300 }, () => {});
  // After the tracker's own listener, as in chain/rpc/server.ts (whose handler reads the body first).
  server.on("request", handler!);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}`, port };
}

test("a reply the node takes longer than the stall timeout to work out is delivered whole", async (t) => {
  // Half the body at once, the rest after three stall timeouts of silence: the node's delay.
  const { server, url } = await serve((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('[{"id":0}');
    setTimeout(() => res.end(',{"id":1}]'), 1_000);
  });
  t.teardown(() => server.close());
  const body = (await (await fetch(url, { method: "POST", body: "{}" })).json()) as unknown[];
  t.deepEqual(body, [{ id: 0 }, { id: 1 }]);
});

test("a client that stops reading a large reply is cut after the stall timeout", async (t) => {
  let closedAt = 0;
  const { server, port } = await serve((_req, res) => {
    res.writeHead(200);
    res.on("close", () => (closedAt = Date.now()));
    const chunk = Buffer.alloc(1 << 20);
    const pump = () => {
      while (res.write(chunk));
    };
    pump();
    res.on("drain", pump);
  });
  t.teardown(() => server.close());
  const socket = connect(port, "127.0.0.1");
  await new Promise<void>((r) => socket.once("connect", () => r()));
  socket.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n");
  socket.pause(); // never reads: the server's buffers fill
  const start = Date.now();
  while (closedAt === 0 && Date.now() - start < 10_000) await sleep(50);
  socket.destroy();
  t.true(closedAt > 0, "the stalled reply was cut");
});
