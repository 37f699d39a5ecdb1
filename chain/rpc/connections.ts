/**
 * Connection bookkeeping for the RPC listener: a cap on open connections (HTTP and
 * websocket share one listener, so one cap covers both) and the closing of idle ones.
 *
 * Idle keep-alive sockets are closed by a sweep rather than by node:http's own
 * keep-alive timer. That timer fires in the timers phase, before the poll phase that
 * would read a request already waiting in the kernel: after any event-loop stall longer
 * than the timeout, node:http destroys sockets whose clients have just sent a request,
 * and the client sees "other side closed". The sweep only closes a socket it found idle
 * on two consecutive ticks, so at least one poll phase — which reads any waiting request
 * and marks the socket busy — always runs between the decision and the close.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

export interface ConnectionLimits {
  /** Open connections beyond this are closed as soon as they are accepted (CometBFT: max_open_connections). */
  maxOpenConnections: number;
  /**
   * An HTTP connection with no request in flight is closed after this long (and a second
   * or two more). Advertised in `Keep-Alive: timeout=` so that clients stop reusing a
   * socket before we close it.
   */
  idleTimeoutMs: number;
  /** A response the client does not read for this long is cut (the socket made no progress). */
  stalledWriteTimeoutMs: number;
}

interface SocketState {
  inFlight: number;
  idleSince: number;
  /** Seen idle past the limit on the previous sweep. */
  condemned: boolean;
  upgraded: boolean;
}

export interface ConnectionTracker {
  readonly open: number;
  /** Connections refused because the cap was reached, since start. */
  readonly refused: number;
  /** Stops the sweep and destroys every socket. */
  destroyAll(): void;
}

const SWEEP_MS = 1000;

export function trackConnections(
  server: Server,
  limits: ConnectionLimits,
  onRefused: (count: number) => void,
): ConnectionTracker {
  const states = new Map<Socket, SocketState>();
  let refused = 0;
  server.maxConnections = limits.maxOpenConnections;
  // node:http's own keep-alive timer is replaced by the sweep (see above); its header is sent by hand.
  server.keepAliveTimeout = 0;
  server.headersTimeout = Math.min(limits.idleTimeoutMs, 60_000);
  server.requestTimeout = Math.max(server.headersTimeout, 30_000);
  // A socket that makes no progress at all: a reader that stopped reading, or a sender that stalled.
  server.timeout = limits.stalledWriteTimeoutMs;
  server.on("timeout", (socket: Socket) => {
    const s = states.get(socket);
    // Idle sockets are the sweep's to close. A busy one is cut only when our reply is waiting
    // on the client (bytes queued that it does not read): a reply the node is still working
    // out — a batch of broadcasts on a loaded node, half of it already written — is the
    // node's delay, and cutting it handed the client a truncated body ("Unexpected end of
    // JSON input" in the soak at load 40). Its request is answered when the work is done.
    if (s === undefined || (s.inFlight > 0 && socket.writableLength > 0)) socket.destroy();
  });
  server.on("drop", () => {
    refused++;
    onRefused(refused);
  });
  server.on("connection", (socket: Socket) => {
    states.set(socket, { inFlight: 0, idleSince: Date.now(), condemned: false, upgraded: false });
    socket.on("close", () => states.delete(socket));
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const s = states.get(req.socket);
    if (s === undefined) return;
    s.inFlight++;
    s.condemned = false;
    res.setHeader("keep-alive", `timeout=${Math.max(1, Math.floor(limits.idleTimeoutMs / 1000))}`);
    res.once("close", () => {
      s.inFlight--;
      s.idleSince = Date.now();
    });
  });
  server.on("upgrade", (req: IncomingMessage) => {
    // A websocket keeps itself alive with pings; the sweep leaves it alone.
    const s = states.get(req.socket);
    if (s !== undefined) s.upgraded = true;
  });

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [socket, s] of states) {
      if (s.upgraded || s.inFlight > 0) continue;
      if (now - s.idleSince < limits.idleTimeoutMs) {
        s.condemned = false;
      } else if (s.condemned) {
        socket.destroy();
      } else {
        s.condemned = true;
      }
    }
  }, SWEEP_MS);
  sweep.unref();

  return {
    get open() {
      return states.size;
    },
    get refused() {
      return refused;
    },
    destroyAll() {
      clearInterval(sweep);
      for (const socket of states.keys()) socket.destroy();
    },
  };
}
