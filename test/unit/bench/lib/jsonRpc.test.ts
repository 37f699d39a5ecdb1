/**
 * The load generators' JSON-RPC client (bench/lib/jsonRpc.ts) against a real HTTP server on
 * loopback: results, the node's errors, bodies that are not JSON, a server that never
 * answers, and a kept-alive connection the server closes between requests.
 */
import test from "ava";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { jsonRpc, postJson } from "../../../../bench/lib/jsonRpc.js";

async function serve(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((r) => {
    let b = "";
    req.on("data", (d: Buffer) => (b += d.toString()));
    req.on("end", () => r(b));
  });
}

test("a result comes back; the request is the JSON-RPC call asked for", async (t) => {
  const seen: unknown[] = [];
  const { url, server } = await serve(async (req, res) => {
    seen.push(JSON.parse(await readBody(req)));
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ jsonrpc: "2.0", id: 1, result: { code: 0, hash: "AB" } }));
  });
  t.teardown(() => server.close());
  t.deepEqual(await jsonRpc(url, "broadcast_tx_sync", { tx: "AAEC" }), { code: 0, hash: "AB" });
  t.deepEqual(seen, [{ jsonrpc: "2.0", id: 1, method: "broadcast_tx_sync", params: { tx: "AAEC" } }]);
});

test("the node's error is thrown with its message and data", async (t) => {
  const { url, server } = await serve((_req, res) => {
    res.end(
      JSON.stringify({ jsonrpc: "2.0", id: 1, error: { code: -32603, message: "Internal error", data: "height 9" } }),
    );
  });
  t.teardown(() => server.close());
  await t.throwsAsync(jsonRpc(url, "block", { height: "9" }), { message: "block: Internal error height 9" });
});

test("a body that is not JSON is an error naming the HTTP status", async (t) => {
  const { url, server } = await serve((_req, res) => {
    res.statusCode = 502;
    res.end("<html>bad gateway</html>");
  });
  t.teardown(() => server.close());
  await t.throwsAsync(jsonRpc(url, "status"), { message: /^status: HTTP 502, not JSON: <html>bad gateway/ });
});

test("a server that never answers fails the call after the timeout", async (t) => {
  const { url, server } = await serve(() => undefined);
  t.teardown(() => server.closeAllConnections());
  t.teardown(() => server.close());
  const start = Date.now();
  await t.throwsAsync(jsonRpc(url, "status", {}, 300), { message: /no answer from .* in 300 ms/ });
  t.true(Date.now() - start < 5_000);
});

test("connections are kept alive, and one the server closed in between is replaced without an error", async (t) => {
  const sockets = new Set<unknown>();
  const { url, server } = await serve(async (req, res) => {
    sockets.add(req.socket);
    await readBody(req);
    res.end(JSON.stringify({ jsonrpc: "2.0", id: 1, result: sockets.size }));
  });
  t.teardown(() => server.close());
  for (let i = 0; i < 5; i++) await postJson(url, "{}");
  t.is(sockets.size, 1, "five calls in a row share one connection");
  // The server drops its idle connections; the client's pooled one is now dead.
  server.closeIdleConnections();
  await new Promise((r) => setTimeout(r, 50));
  const r = await postJson(url, "{}");
  t.is(r.status, 200);
  t.is(sockets.size, 2);
});
