/**
 * The relayer's status over HTTP (GET /status, JSON): what landed on L1 and at what
 * stage. The finality ladder reads `latest_checkpointed_height` and
 * `latest_settled_height`: a tx at height h is checkpointed (settled) once that height is >= h.
 */
import { createServer, type Server } from "node:http";
import type { RelayerStatus } from "./relayer.js";

export interface StatusServer {
  url: string;
  close(): Promise<void>;
}

export async function startStatusServer(address: string, status: () => RelayerStatus): Promise<StatusServer> {
  const m = /^(?:tcp:\/\/)?([^:]+):(\d+)$/.exec(address);
  const host = m?.[1] ?? "127.0.0.1";
  const port = Number(m?.[2] ?? 0);
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/status" || req.url === "/")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(status()));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "GET /status" }));
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
