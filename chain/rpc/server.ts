/**
 * The CometBFT-compatible RPC server: JSON-RPC over HTTP POST (single and batch), URI
 * GET (`/block?height=5`) and the `/websocket` endpoint, on node:http and `ws`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { answerBatch } from "./batch.js";
import { DEFAULT_RECEIPT_WAIT_MS } from "./methods/broadcast.js";
import { trackConnections } from "./connections.js";
import { connectionCapWithin, openFilesSoftLimit } from "./fdBudget.js";
import type { CallContext, JsonRpcId, RpcLimits } from "./context.js";
import {
  JSONRPC_INVALID_REQUEST,
  JSONRPC_METHOD_NOT_FOUND,
  JSONRPC_PARSE_ERROR,
  jsonRpcError,
  rpcErrors,
  toJsonRpcError,
  writeBuffersFull,
} from "./errors.js";
import { callMethod, errorResponse, serialize } from "./jsonrpc.js";
import { argsFromUri } from "./params.js";
import { routes } from "./routes.js";
import { createSendBudget, type SendBudget, type SendBudgetStats, type SendLedger } from "./sendBudget.js";
import type { RpcServices } from "./services.js";
import { createStaticFiles } from "./static.js";
import { createWebsocketEndpoint } from "./websocket.js";

import type { RpcLogger } from "./context.js";
export type { RpcLogger };

export interface RpcServerOptions {
  /** "tcp://127.0.0.1:26657" (CometBFT's rpc.laddr); port 0 picks a free port. */
  laddr: string;
  services: RpcServices;
  /** Largest accepted request body (and websocket message); default 1 MB. */
  maxBodyBytes?: number;
  timeoutBroadcastTxCommitMs?: number;
  /** How long broadcast_tx_sync waits for the sequencer's receipt (config.toml rpc.receipt_wait); default 1.5 s, 0 answers at once. */
  receiptWaitMs?: number;
  maxSubscriptionClients?: number;
  maxSubscriptionsPerClient?: number;
  /** Open connections (HTTP and websocket together); CometBFT's max_open_connections, default 900. */
  maxOpenConnections?: number;
  /** Requests in one JSON-RPC batch; default 1000 (geth's limit). */
  maxBatchRequests?: number;
  /** Response bytes one HTTP batch may produce; default 25 MB (geth's limit). */
  maxBatchResponseBytes?: number;
  /** Bytes a websocket client may leave unread before it is cut; default 16 MiB. */
  websocketWriteBufferBytes?: number;
  /**
   * Bytes of answers waiting on their clients, all connections together (websocket replies and
   * events, HTTP responses); past it the connections holding the most are cut. Default 256 MiB.
   */
  writeBufferTotalBytes?: number;
  /** An HTTP connection idle this long is closed; default 10 s (advertised in Keep-Alive). */
  idleTimeoutMs?: number;
  /** Websocket ping period; a client that misses a pong is cut. Default 30 s. */
  websocketPingIntervalMs?: number;
  /** Origins allowed by CORS ("*" for any); none by default. */
  corsAllowedOrigins?: string[];
  /** The dashboard's built files, served at /ui (GET); without it /ui says how to build it. */
  uiDir?: string | undefined;
  logger?: RpcLogger;
}

export interface RpcServer {
  /** http://host:port */
  url: string;
  port: number;
  /** The node-wide write budget's accounting (sendBudget.ts). */
  writeBuffers(): SendBudgetStats;
  close(): Promise<void>;
}

/** The node-wide write budget's default: sixteen clients' worth of the per-connection cap. */
export const DEFAULT_WRITE_BUFFER_TOTAL_BYTES = 256 * 1024 * 1024;
/** A full write budget is logged at most this often, with what it cut and refused meanwhile. */
const PRESSURE_LOG_MS = 10_000;

const silent: RpcLogger = { info: () => {}, error: () => {} };
/** URI calls answer with this id, as CometBFT's. */
const URI_ID = -1;

export function parseLaddr(laddr: string): { host: string; port: number } {
  const m = /^(?:tcp:\/\/)?(\[[^\]]+\]|[^:/]+):(\d+)$/.exec(laddr);
  if (m === null) throw rpcErrors.invalidAddress(`"${laddr}" is not tcp://host:port`);
  const host = m[1]!.replace(/^\[|\]$/g, "");
  return { host, port: Number(m[2]) };
}

export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const { host, port } = parseLaddr(options.laddr);
  const logger = options.logger ?? silent;
  const limits: RpcLimits = {
    maxBodyBytes: options.maxBodyBytes ?? 1_000_000,
    timeoutBroadcastTxCommitMs: options.timeoutBroadcastTxCommitMs ?? 10_000,
    receiptWaitMs: options.receiptWaitMs ?? DEFAULT_RECEIPT_WAIT_MS,
    maxSubscriptionClients: options.maxSubscriptionClients ?? 100,
    maxSubscriptionsPerClient: options.maxSubscriptionsPerClient ?? 5,
    maxBatchRequests: options.maxBatchRequests ?? 1000,
    maxBatchResponseBytes: options.maxBatchResponseBytes ?? 25_000_000,
    websocketWriteBufferBytes: options.websocketWriteBufferBytes ?? 16 * 1024 * 1024,
  };
  const base: Omit<CallContext, "id" | "ws"> = { services: options.services, limits };
  const cors = options.corsAllowedOrigins ?? [];
  const budget = createWriteBudget(options.writeBufferTotalBytes ?? DEFAULT_WRITE_BUFFER_TOTAL_BYTES, logger);
  const websocket = createWebsocketEndpoint(routes, base, logger, options.websocketPingIntervalMs ?? 30_000, budget);
  const send = (res: ServerResponse, status: number, text: string, id: JsonRpcId | null = null): void =>
    sendCounted(budget, res, status, text, id);
  const staticFiles = createStaticFiles((res, status, headers, body) => sendShared(budget, res, status, headers, body));

  const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    allowCors(req, res, cors);
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    // The body is held until the answer is written: counted in the budget like answers (900
    // connections each sending max_body_bytes would hold ~900 MB otherwise).
    readBody(req, limits.maxBodyBytes, openResponseLedger(budget, res))
      .then((body) => {
        if (body === undefined) return tooLarge(res, limits.maxBodyBytes);
        if (body === "no room" || !budget.admits()) return refuseBusy(budget, res);
        return route(req, res, body);
      })
      .catch((e: unknown) => {
        logger.error("rpc request failed", { error: String(e) });
        if (!res.headersSent && !res.destroyed) send(res, 500, serialize(errorResponse(null, toJsonRpcError(e))));
      });
  });

  async function route(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname.replace(/^\/+|\/+$/g, "");
    if (path === "" || path === "v1") {
      if (req.method === "POST" && body.length > 0) return handleJsonRpc(res, body);
      res.writeHead(200, { "content-type": "text/html" }).end(listEndpoints());
      return;
    }
    if (path === "ui" || path.startsWith("ui/")) return staticFiles(req, res, options.uiDir, path.slice(3));
    const name = path.startsWith("v1/") ? path.slice(3) : path;
    const r = Object.hasOwn(routes, name) ? routes[name] : undefined;
    if (r === undefined || r.wsOnly === true) {
      return send(
        res,
        404,
        serialize(errorResponse(URI_ID, jsonRpcError(JSONRPC_METHOD_NOT_FOUND, `no method at /${name}`))),
      );
    }
    let args;
    try {
      args = argsFromUri(r.args, url.searchParams);
    } catch (e) {
      return send(res, 500, serialize(errorResponse(URI_ID, toJsonRpcError(e, "http"))));
    }
    try {
      const result = await r.handler({ ...base, id: URI_ID, ws: undefined }, args);
      send(res, 200, serialize({ jsonrpc: "2.0", id: URI_ID, result }), URI_ID);
    } catch (e) {
      send(res, 500, serialize(errorResponse(URI_ID, toJsonRpcError(e, "http"))));
    }
  }

  /** Whether a batch's call may run alongside the overlapping calls ahead of it (Route.overlaps). */
  function overlaps(request: unknown): boolean {
    if (typeof request !== "object" || request === null) return false;
    const method = (request as Record<string, unknown>).method;
    return typeof method === "string" && Object.hasOwn(routes, method) && routes[method]!.overlaps === true;
  }

  async function handleJsonRpc(res: ServerResponse, body: Buffer): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch (e) {
      const error = jsonRpcError(
        JSONRPC_PARSE_ERROR,
        `error unmarshaling request: ${e instanceof Error ? e.message : String(e)}`,
      );
      return send(res, 500, serialize(errorResponse(null, error)));
    }
    if (Array.isArray(parsed) && parsed.length === 0) {
      return send(res, 200, serialize(errorResponse(null, jsonRpcError(JSONRPC_INVALID_REQUEST, "empty batch"))));
    }
    if (!Array.isArray(parsed)) {
      const response = await callMethod(routes, { ...base, ws: undefined }, parsed, "http");
      return send(res, 200, response === undefined ? "" : serialize(response), response?.id ?? null);
    }
    if (parsed.length > limits.maxBatchRequests) {
      const error = jsonRpcError(
        JSONRPC_INVALID_REQUEST,
        `batch of ${parsed.length} requests exceeds max_batch_requests ${limits.maxBatchRequests}`,
      );
      return send(res, 200, serialize(errorResponse(null, error)));
    }
    const ledger = openResponseLedger(budget, res);
    // The calls of a batch count their waits from here together (waits.ts).
    const ctx = { ...base, ws: undefined, waitsFrom: parsed.length > 1 ? performance.now() : undefined };
    await answerBatch(res, parsed, (request) => callMethod(routes, ctx, request, "http"), limits, overlaps, ledger);
  }

  server.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
    if (path !== "/websocket" && path !== "/v1/websocket") {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    websocket.wss.handleUpgrade(req, socket, head, (ws) => websocket.wss.emit("connection", ws, req));
  });
  const fdLimit = openFilesSoftLimit();
  const cap = connectionCapWithin(options.maxOpenConnections ?? 900, fdLimit);
  if (cap.clampedFrom !== undefined) {
    logger.error("rpc.max_open_connections does not fit the open-files limit: lowered", {
      configured: cap.clampedFrom === 0 ? "unlimited" : cap.clampedFrom,
      open_files_limit: fdLimit,
      max_open_connections: cap.cap,
      fix: `raise the limit (ulimit -n) to at least ${2 * (cap.clampedFrom || 900)}, or lower rpc.max_open_connections`,
    });
  }
  const connections = trackConnections(
    server,
    {
      maxOpenConnections: cap.cap,
      idleTimeoutMs: options.idleTimeoutMs ?? 10_000,
      // Longer than broadcast_tx_commit's wait, which makes no progress on the socket.
      stalledWriteTimeoutMs: Math.max(30_000, limits.timeoutBroadcastTxCommitMs + 10_000),
    },
    (refused) => {
      // Once per power of two: a flood must not also flood the log.
      if ((refused & (refused - 1)) === 0)
        logger.error("rpc connection refused: max_open_connections reached", { refused });
    },
  );
  server.on("clientError", (_e, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\n\r\n");
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
  logger.info("rpc server listening", { url });

  return {
    url,
    port: bound,
    writeBuffers: () => budget.stats(),
    close: async () => {
      websocket.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      connections.destroyAll();
      await closed;
    },
  };
}

function writeJson(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "application/json" }).end(text);
}

function peerOf(res: ServerResponse): string {
  return `${res.socket?.remoteAddress ?? "?"}:${res.socket?.remotePort ?? 0} (http)`;
}

/**
 * An HTTP response's account in the write budget; cutting it closes its connection, which frees
 * all it held. A response whose connection is gone already (the client aborted its upload) gets
 * a closed account, which reserves nothing: its "close" has passed and would never give back
 * what it held (each aborted upload kept ~100 bytes of the budget for good).
 */
function openResponseLedger(budget: SendBudget, res: ServerResponse): SendLedger {
  const end = (): void => {
    res.destroy();
    ledger.close();
  };
  const ledger: SendLedger = budget.open({ label: peerOf(res), cut: end, drop: end });
  if (res.destroyed) ledger.close();
  else res.once("close", () => ledger.close());
  return ledger;
}

/**
 * Writes a whole response, counted against the write budget until the kernel has it. One the
 * budget has no room for becomes a short 503 saying so; the response is cut (its connection
 * closed) if it comes to hold the most unread bytes when another answer needs the room.
 */
function sendCounted(
  budget: SendBudget,
  res: ServerResponse,
  status: number,
  text: string,
  id: JsonRpcId | null,
): void {
  const bytes = Buffer.byteLength(text);
  const ledger = openResponseLedger(budget, res);
  if (!ledger.reserve(bytes)) {
    ledger.close();
    if (!res.destroyed) refuseBusy(budget, res, id);
    return;
  }
  res.writeHead(status, { "content-type": "application/json" }).end(text, () => ledger.close());
}

/** As sendCounted, for a buffer many responses send at once (a /ui file): the budget counts it once. */
function sendShared(
  budget: SendBudget,
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer,
): void {
  const ledger = openResponseLedger(budget, res);
  if (!ledger.reserveShared(body)) {
    ledger.close();
    if (!res.destroyed) refuseBusy(budget, res);
    return;
  }
  res.writeHead(status, headers).end(body, () => ledger.close());
}

/** 503 with a JSON-RPC error: the node has no write buffer left for this request's answer. */
function refuseBusy(budget: SendBudget, res: ServerResponse, id: JsonRpcId | null = null): void {
  budget.noteRefused();
  res.setHeader("retry-after", "1");
  writeJson(res, 503, serialize(errorResponse(id, writeBuffersFull(budget.limit))));
}

/** The node's write budget, logging when it is spent at most once per PRESSURE_LOG_MS. */
function createWriteBudget(limit: number, logger: RpcLogger): SendBudget {
  let lastLog = -Infinity;
  let cutAtLog = 0;
  let refusedAtLog = 0;
  let examples: string[] = [];
  return createSendBudget(limit, {
    onPressure(stats, cut) {
      if (examples.length < 5) examples.push(...cut.slice(0, 5 - examples.length));
      const now = Date.now();
      if (now - lastLog < PRESSURE_LOG_MS) return;
      logger.error("rpc write buffers full: cutting the connections holding the most unread bytes", {
        queued: stats.queued,
        write_buffer_total_bytes: stats.limit,
        cut: stats.cut - cutAtLog,
        cut_first: examples,
        refused: stats.refused - refusedAtLog,
        fix: "clients that do not read their answers are dropped; raise rpc.write_buffer_total_bytes if they are honest",
      });
      lastLog = now;
      cutAtLog = stats.cut;
      refusedAtLog = stats.refused;
      examples = [];
    },
  });
}

function tooLarge(res: ServerResponse, max: number): void {
  const error = jsonRpcError(
    JSONRPC_INVALID_REQUEST,
    `error reading request body: http: request body too large (limit ${max} bytes)`,
  );
  res.setHeader("connection", "close");
  writeJson(res, 400, serialize(errorResponse(null, error)));
}

/**
 * Reads the body up to `max` bytes, each chunk reserved in `held` (the response's account,
 * closed with it); returns undefined if it is larger, "no room" if the node's budget had none.
 * An oversized body, or one there is no room for, is drained (so that the client reads our
 * answer) up to a bound, past which the connection is cut.
 */
function readBody(req: IncomingMessage, max: number, held: SendLedger): Promise<Buffer | undefined | "no room"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let room = true;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max && room && held.reserve(chunk.length)) chunks.push(chunk);
      else if (size <= max && room) {
        room = false;
        chunks.length = 0;
        held.close();
      } else if (size > max * 8 + 16_000_000) req.destroy();
    });
    req.on("end", () => resolve(size > max ? undefined : room ? Buffer.concat(chunks) : "no room"));
    req.on("error", reject);
    req.on("close", () => {
      if (!req.complete) resolve(room ? undefined : "no room");
    });
  });
}

function allowCors(req: IncomingMessage, res: ServerResponse, origins: string[]): void {
  const origin = req.headers.origin;
  if (origin === undefined || origins.length === 0) return;
  if (!origins.includes("*") && !origins.includes(origin)) return;
  res.setHeader("access-control-allow-origin", origins.includes("*") ? "*" : origin);
  res.setHeader("access-control-allow-methods", "HEAD, GET, POST");
  res.setHeader("access-control-allow-headers", "Origin, Accept, Content-Type, X-Requested-With, X-Server-Time");
}

function listEndpoints(): string {
  const names = Object.keys(routes)
    .filter((n) => routes[n]?.wsOnly !== true)
    .sort();
  const links = names.map((n) => {
    const args = routes[n]!.args.map((a) => `${a.name}=_`).join("&");
    return `<a href="/${n}${args ? `?${args}` : ""}">/${n}${args ? `?${args}` : ""}</a><br>`;
  });
  return `<html><body><br>Available endpoints:<br>${links.join("")}</body></html>`;
}
