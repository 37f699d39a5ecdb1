/**
 * A websocket connection's answers on their way out. They are handed to the socket only while
 * it has less than `HANDED_BYTES` not yet taken by the kernel; the rest wait here, counted
 * against the node-wide budget (sendBudget.ts) from the moment they are queued until the
 * kernel has them. So a client that does not read holds its unread answers in one place that
 * can be dropped at once when it is cut, and the close frame that says why is queued behind at
 * most one more message instead of megabytes.
 */
import { WebSocket } from "ws";
import type { SendLedger } from "./sendBudget.js";

/** Bytes handed to the socket and not yet written before the outbox holds the rest back. */
export const HANDED_BYTES = 256 * 1024;

/** One websocket message: one piece, or a head and a body shared by many subscribers, sent as two fragments. */
interface Message {
  head: Buffer;
  shared?: Buffer;
}

export interface Outbox {
  /** Bytes queued here and in the socket, not yet taken by the kernel. */
  readonly held: number;
  /** Queues one message; false when the budget has no room for it (the connection may have been cut). */
  push(text: string | Buffer): boolean;
  /** Queues a message whose second fragment `shared` other connections send too. */
  pushShared(head: string, shared: Buffer): boolean;
  /** Drops what has not been handed to the socket yet. */
  drop(): void;
}

export function createOutbox(socket: WebSocket, ledger: SendLedger): Outbox {
  const waiting: Message[] = [];

  const release = (m: Message): void => {
    ledger.release(m.head.length);
    if (m.shared !== undefined) ledger.releaseShared(m.shared);
  };

  function flush(): void {
    while (waiting.length > 0 && socket.readyState === WebSocket.OPEN && socket.bufferedAmount < HANDED_BYTES) {
      const m = waiting.shift()!;
      if (m.shared === undefined) {
        socket.send(m.head, { binary: false }, () => written(m));
        continue;
      }
      // Two fragments of one message, back to back: nothing else can be sent between them.
      socket.send(m.head, { binary: false, fin: false });
      socket.send(m.shared, { binary: false, fin: true }, () => written(m));
    }
  }

  /** The kernel took it (or the socket failed): give its bytes back and hand over more. */
  function written(m: Message): void {
    release(m);
    if (waiting.length > 0) flush();
  }

  return {
    get held() {
      return ledger.held;
    },
    push(text) {
      const head = typeof text === "string" ? Buffer.from(text) : text;
      if (!ledger.reserve(head.length)) return false;
      waiting.push({ head });
      flush();
      return true;
    },
    pushShared(headText, shared) {
      const head = Buffer.from(headText);
      if (!ledger.reserve(head.length)) return false;
      if (!ledger.reserveShared(shared)) {
        ledger.release(head.length);
        return false;
      }
      waiting.push({ head, shared });
      flush();
      return true;
    },
    drop() {
      for (const m of waiting.splice(0)) release(m);
    },
  };
}
