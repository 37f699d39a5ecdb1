/**
 * The relayer over HTTP: GET /status (JSON: what landed on L1 and at what stage, the lag
 * behind the chain) and GET /metrics (Prometheus text, relayer/metrics.ts). Nodes do not
 * read this to fill their finality ladder: they read the contract themselves.
 */
import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";
import type { RelayerStatus } from "./relayer.js";

export interface StatusServer {
  url: string;
  close(): Promise<void>;
}

export async function startStatusServer(
  address: string,
  status: () => RelayerStatus,
  metrics?: Registry,
): Promise<StatusServer> {
  const m = /^(?:tcp:\/\/)?([^:]+):(\d+)$/.exec(address);
  const host = m?.[1] ?? "127.0.0.1";
  const port = Number(m?.[2] ?? 0);
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/status" || req.url === "/")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(status()));
      return;
    }
    if (req.method === "GET" && req.url === "/metrics" && metrics !== undefined) {
      metrics.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": metrics.contentType });
          res.end(text);
        },
        (e: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(String(e));
        },
      );
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: metrics === undefined ? "GET /status" : "GET /status or /metrics" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  const url = `http://${host}:${typeof bound === "object" && bound !== null ? bound.port : port}`;
  return {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
