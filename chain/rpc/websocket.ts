/**
 * The `/websocket` endpoint: JSON-RPC calls over one connection plus event subscriptions.
 * Events are pushed with the id of the `subscribe` call.
 *
 * Memory per connection is bounded: calls run one at a time in arrival order (as
 * CometBFT's read loop does), the socket stops being read while calls queue up, and every
 * reply or event first checks what the client has left unread — past the write-buffer
 * limit the client is too slow and is cut. A client that does not answer pings is cut too.
 */
import type { IncomingMessage } from "node:http";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { indexerErrors } from "../indexer/errors.js";
import type { CallContext, Frame, RouteTable, RpcLogger, WsSession } from "./context.js";
import { JSONRPC_INVALID_REQUEST, JSONRPC_PARSE_ERROR, jsonRpcError } from "./errors.js";
import { callMethod, errorResponse, marshalFailure, serialize } from "./jsonrpc.js";

/**
 * A shared push body at least this long goes out as a second fragment instead of being
 * copied behind the subscriber's head: a copy of a small body costs less than the extra
 * socket write a fragment takes (receipts, market deltas), a copy per subscriber of a
 * block's ~3 MB NewBlock does not.
 */
const FRAGMENT_AT = 64 * 1024;

/** Messages waiting for their turn before the socket stops being read. */
const MAX_QUEUED_MESSAGES = 8;

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
): WebsocketEndpoint {
  const { websocketWriteBufferBytes: maxBuffered, maxBatchRequests } = base.limits;
  const wss = new WebSocketServer({ noServer: true, maxPayload: base.limits.maxBodyBytes });
  const alive = new WeakSet<WebSocket>();

  wss.on("connection", (socket: WebSocket, req: IncomingMessage) => {
    const subscriberId = `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? 0}#${++connections}`;
    alive.add(socket);
    socket.on("pong", () => alive.add(socket));

    /** False (and the client cut) when it has left more than the limit unread. */
    const keepsUp = (): boolean => {
      if (socket.readyState !== WebSocket.OPEN) return false;
      if (socket.bufferedAmount <= maxBuffered) return true;
      logger.info("websocket client too slow, disconnecting", { subscriberId, unread: socket.bufferedAmount });
      socket.terminate();
      return false;
    };
    /** A push to a client that has left too much unread throws: the event bus cancels its subscription. */
    const mustKeepUp = (): void => {
      if (!keepsUp()) throw indexerErrors.subscriberTooSlow(`more than ${maxBuffered} bytes unread by ${subscriberId}`);
    };
    const session: WsSession = {
      subscriberId,
      send(message: unknown): void {
        mustKeepUp();
        socket.send(serialize(message as never));
      },
      sendFrame(id, encode): void {
        mustKeepUp();
        let frame: Frame;
        try {
          frame = encode();
        } catch (e) {
          socket.send(marshalFailure(id, e));
          return;
        }
        if (frame.body.length < FRAGMENT_AT) {
          socket.send(Buffer.concat([Buffer.from(frame.head), frame.body]), { binary: false });
          return;
        }
        // Two fragments of one message, sent back to back: nothing else can be sent between them.
        socket.send(frame.head, { binary: false, fin: false });
        socket.send(frame.body, { binary: false, fin: true });
      },
    };
    const reply = (text: string): void => {
      if (keepsUp()) socket.send(text);
    };

    async function handle(raw: RawData): Promise<void> {
      let request: unknown;
      try {
        request = JSON.parse(raw.toString());
      } catch (e) {
        const error = jsonRpcError(JSONRPC_PARSE_ERROR, `error unmarshaling request: ${String(e)}`);
        return reply(serialize(errorResponse(null, error)));
      }
      const requests = Array.isArray(request) ? request : [request];
      // As over HTTP: an empty batch is one invalid request, not silence the client waits on.
      if (requests.length === 0)
        return reply(serialize(errorResponse(null, jsonRpcError(JSONRPC_INVALID_REQUEST, "empty batch"))));
      if (requests.length > maxBatchRequests) {
        const error = jsonRpcError(
          JSONRPC_INVALID_REQUEST,
          `batch of ${requests.length} requests exceeds max_batch_requests ${maxBatchRequests}`,
        );
        return reply(serialize(errorResponse(null, error)));
      }
      for (const one of requests) {
        if (!keepsUp()) return;
        const response = await callMethod(routes, { ...base, ws: session }, one, "ws");
        if (response !== undefined) reply(serialize(response));
      }
    }

    const queue: RawData[] = [];
    let running = false;
    async function drain(): Promise<void> {
      running = true;
      while (queue.length > 0) {
        const next = queue.shift()!;
        if (socket.isPaused && queue.length < MAX_QUEUED_MESSAGES / 2) socket.resume();
        await handle(next).catch((e: unknown) => logger.error("websocket call failed", { error: String(e) }));
      }
      running = false;
    }
    socket.on("message", (raw: RawData) => {
      queue.push(raw);
      if (queue.length >= MAX_QUEUED_MESSAGES) socket.pause();
      if (!running) void drain();
    });
    socket.on("close", () => {
      queue.length = 0;
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
