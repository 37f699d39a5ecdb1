/**
 * The `/websocket` endpoint: JSON-RPC calls over one connection plus event subscriptions.
 * Events are pushed with the id of the `subscribe` call.
 *
 * Memory per connection is bounded: calls run one at a time in arrival order (as
 * CometBFT's read loop does), the socket stops being read while calls queue up, and every
 * reply or event first checks what the client has left unread — past the write-buffer
 * limit the client is too slow and is cut (close code 1008). Memory across connections is
 * bounded by the node-wide budget every reply and event is queued against (sendBudget.ts,
 * outbox.ts): when it is spent the connections holding the most unread bytes are cut (close
 * code 1013), and while it is spent new requests get an error instead of an answer. Calls
 * waiting their turn count in that budget too, from arrival until handled: eight queued behind a
 * slow one (a receipt wait) are up to 8 × max_body_bytes a connection, ~7 GB over 900 connections
 * otherwise. A client that does not answer pings is cut too.
 */
import type { IncomingMessage } from "node:http";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { indexerErrors } from "../indexer/errors.js";
import type { CallContext, Frame, JsonRpcId, RouteTable, RpcLogger, WsSession } from "./context.js";
import { JSONRPC_INVALID_REQUEST, JSONRPC_PARSE_ERROR, jsonRpcError, writeBuffersFull } from "./errors.js";
import { callMethod, errorResponse, marshalFailure, requestId, serialize } from "./jsonrpc.js";
import { createOutbox } from "./outbox.js";
import type { SendBudget } from "./sendBudget.js";

/**
 * A shared push body at least this long goes out as a second fragment instead of being
 * copied behind the subscriber's head: a copy of a small body costs less than the extra
 * socket write a fragment takes (receipts, market deltas), a copy per subscriber of a
 * block's ~3 MB NewBlock does not.
 */
const FRAGMENT_AT = 64 * 1024;

/** Messages waiting for their turn before the socket stops being read. */
const MAX_QUEUED_MESSAGES = 8;

/** RFC 6455 close codes: a limit of this connection was broken; the server is overloaded, come back later. */
const CLOSE_POLICY_VIOLATION = 1008;
const CLOSE_TRY_AGAIN_LATER = 1013;
/** A close frame's reason is at most 123 bytes. */
const MAX_CLOSE_REASON = 123;
/** How long a cut client has to take its close frame before its connection is dropped. */
export const CUT_GRACE_MS = 1_000;

/** Unread bytes past which, while the node's write budget is half spent, a client's next call waits for it to read. */
const WORK_AHEAD_BYTES = 1024 * 1024;
const PRESSURE_POLL_MS = 50;

/** A received message's size: ws hands over a Buffer, an ArrayBuffer or fragments. */
function rawBytes(raw: RawData): number {
  if (Array.isArray(raw)) return raw.reduce((n, b) => n + b.length, 0);
  return raw instanceof ArrayBuffer ? raw.byteLength : raw.length;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let connections = 0;

export interface WebsocketEndpoint {
  wss: WebSocketServer;
  close(): void;
}

export function createWebsocketEndpoint(
  routes: RouteTable,
  base: Omit<CallContext, "id" | "ws">,
  logger: RpcLogger,
  pingIntervalMs: number,
  budget: SendBudget,
): WebsocketEndpoint {
  const { websocketWriteBufferBytes: maxBuffered, maxBatchRequests } = base.limits;
  const wss = new WebSocketServer({ noServer: true, maxPayload: base.limits.maxBodyBytes });
  const alive = new WeakSet<WebSocket>();

  wss.on("connection", (socket: WebSocket, req: IncomingMessage) => {
    const subscriberId = `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? 0}#${++connections}`;
    alive.add(socket);
    socket.on("pong", () => alive.add(socket));

    let cutTimer: NodeJS.Timeout | undefined;
    /**
     * Stops serving the client and tells it why: what waits in the outbox is dropped at once, the
     * close frame follows what the socket already has, and a client that does not take it within
     * the grace is dropped too.
     */
    const cut = (code: number, reason: string): void => {
      queue.length = 0;
      outbox.drop();
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.close(code, reason.slice(0, MAX_CLOSE_REASON));
      cutTimer = setTimeout(() => socket.terminate(), CUT_GRACE_MS);
      cutTimer.unref();
    };
    const ledger = budget.open({
      label: subscriberId,
      cut: (reason) => cut(CLOSE_TRY_AGAIN_LATER, reason),
      drop: () => {
        socket.terminate();
        outbox.drop();
        ledger.close();
      },
    });
    const outbox = createOutbox(socket, ledger);
    // Calls waiting their turn, in the same budget under an account of their own, so that the
    // answers' account stays what this client has left unread.
    const calls = budget.open({
      label: `${subscriberId} (calls)`,
      cut: () => cut(CLOSE_TRY_AGAIN_LATER, "node RPC buffers full; calls waiting here"),
      drop: () => {
        socket.terminate();
        calls.close();
      },
    });

    /** False (and the client cut) when it has left more than the limit unread. */
    const keepsUp = (): boolean => {
      if (socket.readyState !== WebSocket.OPEN || !ledger.open) return false;
      if (outbox.held <= maxBuffered) return true;
      logger.info("websocket client too slow, disconnecting", { subscriberId, unread: outbox.held });
      cut(CLOSE_POLICY_VIOLATION, `more than ${maxBuffered} bytes unread (rpc.websocket_write_buffer_bytes)`);
      return false;
    };
    const tooSlow = () => indexerErrors.subscriberTooSlow(`more than ${maxBuffered} bytes unread by ${subscriberId}`);
    const budgetFull = () =>
      indexerErrors.subscriberTooSlow(`the node's RPC write buffers are full; ${subscriberId} dropped`);
    /** A push to a client that has left too much unread throws: the event bus cancels its subscription. */
    const mustKeepUp = (): void => {
      if (!keepsUp()) throw tooSlow();
    };
    const session: WsSession = {
      subscriberId,
      send(message: unknown): void {
        mustKeepUp();
        if (!outbox.push(serialize(message as never))) throw budgetFull();
      },
      sendFrame(id, encode): void {
        mustKeepUp();
        let frame: Frame;
        try {
          frame = encode();
        } catch (e) {
          if (!outbox.push(marshalFailure(id, e))) throw budgetFull();
          return;
        }
        const queued =
          frame.body.length < FRAGMENT_AT
            ? outbox.push(Buffer.concat([Buffer.from(frame.head), frame.body]))
            : outbox.pushShared(frame.head, frame.body);
        if (!queued) throw budgetFull();
      },
    };
    /** Queues an answer; one the budget has no room for becomes a short error saying so. */
    const reply = (id: JsonRpcId | null, text: string): void => {
      if (!keepsUp() || outbox.push(text) || !ledger.open) return;
      if (!outbox.push(serialize(errorResponse(id, writeBuffersFull(budget.limit))))) {
        cut(CLOSE_TRY_AGAIN_LATER, "node RPC write buffers full");
      }
    };

    async function handle(raw: RawData): Promise<void> {
      let request: unknown;
      try {
        request = JSON.parse(raw.toString());
      } catch (e) {
        const error = jsonRpcError(JSONRPC_PARSE_ERROR, `error unmarshaling request: ${String(e)}`);
        return reply(null, serialize(errorResponse(null, error)));
      }
      const requests = Array.isArray(request) ? request : [request];
      // As over HTTP: an empty batch is one invalid request, not silence the client waits on.
      if (requests.length === 0)
        return reply(null, serialize(errorResponse(null, jsonRpcError(JSONRPC_INVALID_REQUEST, "empty batch"))));
      if (requests.length > maxBatchRequests) {
        const error = jsonRpcError(
          JSONRPC_INVALID_REQUEST,
          `batch of ${requests.length} requests exceeds max_batch_requests ${maxBatchRequests}`,
        );
        return reply(null, serialize(errorResponse(null, error)));
      }
      // The calls of a batch count their waits from here together (waits.ts).
      const ctx = { ...base, ws: session, waitsFrom: requests.length > 1 ? performance.now() : undefined };
      for (const one of requests) {
        // While the budget is half spent, a client that has not read its answers gets no new one
        // worked out until it does: an answer it will not read is memory, and garbage once it is cut.
        while (keepsUp() && outbox.held > WORK_AHEAD_BYTES && budget.underPressure()) await sleep(PRESSURE_POLL_MS);
        if (!keepsUp()) return;
        if (!budget.admits()) {
          budget.noteRefused();
          const id = requestId(one);
          if (id !== undefined) reply(id, serialize(errorResponse(id, writeBuffersFull(budget.limit))));
          continue;
        }
        const response = await callMethod(routes, ctx, one, "ws");
        if (response !== undefined) reply(response.id, serialize(response));
      }
    }

    /** Calls in arrival order, each with the bytes it holds in the budget until handled. */
    const queue: { raw: RawData; bytes: number }[] = [];
    let running = false;
    async function drain(): Promise<void> {
      running = true;
      while (queue.length > 0) {
        const next = queue.shift()!;
        if (socket.isPaused && queue.length < MAX_QUEUED_MESSAGES / 2) socket.resume();
        await handle(next.raw).catch((e: unknown) => logger.error("websocket call failed", { error: String(e) }));
        calls.release(next.bytes);
      }
      running = false;
    }
    socket.on("message", (raw: RawData) => {
      const bytes = rawBytes(raw);
      if (!calls.reserve(bytes)) {
        // No room even after cutting the biggest holders (this one, if cut, is closing already).
        if (calls.open) cut(CLOSE_TRY_AGAIN_LATER, "node RPC buffers full; call not taken");
        return;
      }
      queue.push({ raw, bytes });
      if (queue.length >= MAX_QUEUED_MESSAGES) socket.pause();
      if (!running) void drain();
    });
    socket.on("close", () => {
      queue.length = 0;
      outbox.drop();
      ledger.close();
      calls.close();
      if (cutTimer !== undefined) clearTimeout(cutTimer);
      if (base.services.eventBus.numClientSubscriptions(subscriberId) > 0)
        base.services.eventBus.unsubscribeAll(subscriberId);
      const feed = base.services.marketData?.feed;
      if (feed !== undefined) {
        feed.unsubscribeAll(subscriberId);
        // A strike_subscribe still waiting in the feed's queue registers after this: drop it once it has.
        void feed.idle().then(() => feed.unsubscribeAll(subscriberId));
      }
    });
    socket.on("error", (e) => logger.error("websocket error", { subscriberId, error: e.message }));
  });

  // A client that stopped answering pings (or reading at all) holds a connection slot for nothing.
  const heartbeat = setInterval(() => {
    for (const client of wss.clients) {
      if (!alive.has(client)) {
        client.terminate();
        continue;
      }
      alive.delete(client);
      client.ping();
    }
  }, pingIntervalMs);
  heartbeat.unref();

  return {
    wss,
    close() {
      clearInterval(heartbeat);
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
