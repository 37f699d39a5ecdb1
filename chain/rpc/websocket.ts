/**
 * The `/websocket` endpoint: JSON-RPC calls over one connection plus event subscriptions.
 * Events are pushed with the id of the `subscribe` call. A client that stops reading is
 * disconnected once its send buffer passes a bound, so it never holds the node back.
 */
import type { IncomingMessage } from "node:http";
import { WebSocket, WebSocketServer } from "ws";
import { indexerErrors } from "../indexer/errors.js";
import type { CallContext, RouteTable, WsSession } from "./context.js";
import { JSONRPC_PARSE_ERROR, jsonRpcError } from "./errors.js";
import { callMethod, errorResponse, serialize } from "./jsonrpc.js";
import type { RpcLogger } from "./server.js";

/** Bytes queued to one client before it is considered too slow and dropped. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

let connections = 0;

export function createWebsocketEndpoint(
  routes: RouteTable,
  base: Omit<CallContext, "id" | "ws">,
  logger: RpcLogger,
): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: base.limits.maxBodyBytes });
  wss.on("connection", (socket: WebSocket, req: IncomingMessage) => {
    const subscriberId = `${req.socket.remoteAddress ?? "?"}:${req.socket.remotePort ?? 0}#${++connections}`;
    const session: WsSession = {
      subscriberId,
      send(message: unknown): void {
        if (socket.readyState !== WebSocket.OPEN) throw indexerErrors.subscriberTooSlow("websocket is closed");
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          socket.terminate();
          throw indexerErrors.subscriberTooSlow(`more than ${MAX_BUFFERED_BYTES} bytes unread by ${subscriberId}`);
        }
        socket.send(serialize(message as never));
      },
    };
    const reply = (text: string): void => {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    };
    socket.on("message", (raw) => {
      let request: unknown;
      try {
        request = JSON.parse(raw.toString());
      } catch (e) {
        reply(
          serialize(errorResponse(null, jsonRpcError(JSONRPC_PARSE_ERROR, `error unmarshaling request: ${String(e)}`))),
        );
        return;
      }
      const requests = Array.isArray(request) ? request : [request];
      for (const one of requests) {
        void callMethod(routes, { ...base, ws: session }, one, "ws")
          .then((response) => {
            if (response !== undefined) reply(serialize(response));
          })
          .catch((e: unknown) => logger.error("websocket call failed", { error: String(e) }));
      }
    });
    socket.on("close", () => {
      if (base.services.eventBus.numClientSubscriptions(subscriberId) > 0)
        base.services.eventBus.unsubscribeAll(subscriberId);
    });
    socket.on("error", (e) => logger.error("websocket error", { subscriberId, error: e.message }));
  });
  return wss;
}
