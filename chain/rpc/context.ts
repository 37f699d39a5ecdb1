import type { Args, ArgSpec } from "./params.js";
import type { RpcServices } from "./services.js";

export type JsonRpcId = string | number;

/**
 * One subscriber's push: its own `head`, then the `body` every subscriber of the published
 * object shares. A large body goes out as the second fragment of one websocket message, so it
 * is not copied per subscriber either (a NewBlock of 1,000 sends is ~3 MB of JSON).
 */
export interface Frame {
  head: string;
  body: Buffer;
}

/** A websocket connection's side of a call: its subscriber id and a way to push events. */
export interface WsSession {
  readonly subscriberId: string;
  /** Sends a JSON-RPC message; throws if the client is too slow to keep up. */
  send(message: unknown): void;
  /**
   * Sends a message encoded once for many subscribers (chain/rpc/render/frames.ts); if
   * `encode` throws, the client gets request `id`'s internal error instead. Throws if the
   * client is too slow to keep up.
   */
  sendFrame(id: JsonRpcId, encode: () => Frame): void;
}

export interface RpcLimits {
  maxBodyBytes: number;
  timeoutBroadcastTxCommitMs: number;
  /** How long broadcast_tx_sync waits for the sequencer's receipt after CheckTx; 0 answers at once. */
  receiptWaitMs: number;
  maxSubscriptionClients: number;
  maxSubscriptionsPerClient: number;
  /** Requests in one JSON-RPC batch (HTTP or websocket message). */
  maxBatchRequests: number;
  /** Bytes of responses one HTTP batch may produce; the requests past it are answered with an error. */
  maxBatchResponseBytes: number;
  /** Bytes a websocket client may leave unread before it is cut. */
  websocketWriteBufferBytes: number;
}

export interface CallContext {
  services: RpcServices;
  limits: RpcLimits;
  id: JsonRpcId;
  /** Present for calls made over the websocket. */
  ws: WsSession | undefined;
  /**
   * performance.now() when the batch the call came in began to be answered: a call that waits
   * counts its wait from here (chain/rpc/waits.ts). Absent for a lone request: from its start.
   */
  waitsFrom?: number | undefined;
}

export interface Route {
  args: readonly ArgSpec[];
  /** Subscriptions exist only on a websocket. */
  wsOnly?: boolean;
  /**
   * In an HTTP batch, the call may start before the calls ahead of it have answered, when
   * those may too (chain/rpc/batch.ts). Only for calls whose effects are ordered elsewhere:
   * the broadcasts join the mempool's admission queue in request order as they start.
   */
  overlaps?: boolean;
  handler(ctx: CallContext, args: Args): Promise<unknown>;
}

export type RouteTable = Readonly<Record<string, Route>>;

/** Where the server logs (the node passes its pino logger; tests pass nothing). */
export interface RpcLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}
