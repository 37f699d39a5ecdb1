/**
 * Serves a Prometheus registry over HTTP on CometBFT's `[instrumentation]`
 * `prometheus_listen_addr`: `GET /metrics` in the text exposition format, nothing else.
 *
 * The listener is small and bounded like every other one of the node: a connection cap,
 * request and header timeouts, no body read. An address without a host (CometBFT's default
 * ":26660") binds 127.0.0.1; an operator who wants to be scraped from elsewhere writes the
 * host out ("0.0.0.0:26660").
 */
import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";
import { configErrors } from "./config.js";
import { nodeErrors } from "./errors.js";

export interface MetricsServer {
  /** http://host:port of the listener. */
  readonly url: string;
  close(): Promise<void>;
}

const MAX_CONNECTIONS = 64;

/** ":26660", "127.0.0.1:26660", "tcp://0.0.0.0:26660", "[::1]:26660" → host and port. */
export function parseListenAddr(addr: string): { host: string; port: number } {
  const m = /^(?:tcp:\/\/)?(\[[^\]]+\]|[^:/]*):(\d{1,5})$/.exec(addr.trim());
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || port > 65_535) {
    throw configErrors.invalidConfig(
      `instrumentation.prometheus_listen_addr "${addr}" is not host:port (e.g. ":26660" or "0.0.0.0:26660")`,
    );
  }
  const host = m[1]!.replace(/^\[|\]$/g, "");
  return { host: host === "" ? "127.0.0.1" : host, port };
}

export async function startMetricsServer(addr: string, registry: Registry): Promise<MetricsServer> {
  const { host, port } = parseListenAddr(addr);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: the metrics are at /metrics\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("use GET\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(req.method === "HEAD" ? "" : text),
      (e: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`metrics failed: ${String(e)}\n`),
    );
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) =>
      reject(
        nodeErrors.metricsUnavailable(
          `cannot serve metrics on ${addr} (${e.message}); choose another with --instrumentation.prometheus_listen_addr`,
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  const boundPort = bound !== null && typeof bound === "object" ? bound.port : port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
