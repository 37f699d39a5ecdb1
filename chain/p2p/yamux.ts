/**
 * The yamux muxer as Strike's hosts use it: js-libp2p's, with two changes made on each
 * muxer and stream it creates.
 *
 * 1. A control frame for a connection that has just closed is dropped. The muxer sends
 *    control frames (window updates, pings) from microtasks; when the connection has just
 *    closed, the write throws StreamStateError where nothing of ours is on the stack to
 *    catch it, and the whole node died because a peer went away at the wrong moment (seen
 *    in a 4-validator localnet when one validator was killed). Data frames still throw to
 *    the writer.
 *
 * 2. Window updates are sent when half of a stream's receive window is used, not after
 *    every data frame. The library answers each data frame it receives with a window
 *    update frame, which costs a noise encryption and a socket write here and a decryption
 *    and a frame at the sender: 5.9% of a localnet validator's main thread at 500
 *    orders/s went to sending them. Half a window is when hashicorp/yamux (Go) sends its
 *    update. The sender is never starved: it stops only once it has used the whole
 *    window, and by then this side has received more than half of it and has sent the
 *    update. A new stream's first frames (SYN/ACK flags) and a paused stream keep the
 *    library's behaviour.
 *
 * Frames sent are counted by type (`MuxerFrameCounts`), for tests and for whoever
 * measures the p2p layer.
 */
import { yamux } from "@chainsafe/libp2p-yamux";
import { StreamState } from "@chainsafe/libp2p-yamux/stream";

type Yamux = ReturnType<ReturnType<typeof yamux>>;
type Muxer = ReturnType<Yamux["createStreamMuxer"]>;
type SendFrame = (header: { type: number }, data?: unknown) => boolean;

/** The library's stream, as far as the lazy window update reads and replaces it. */
interface WindowedStream {
  state: StreamState;
  recvWindow: number;
  recvWindowCapacity: number;
  sendWindowUpdate(): void;
}

/** Frames this host's muxers have sent, by yamux frame type. */
export interface MuxerFrameCounts {
  data: number;
  windowUpdate: number;
  ping: number;
  goAway: number;
}

const FRAME_TYPES: readonly (keyof MuxerFrameCounts)[] = ["data", "windowUpdate", "ping", "goAway"];
const DATA_FRAME = 0;

export function newMuxerFrameCounts(): MuxerFrameCounts {
  return { data: 0, windowUpdate: 0, ping: 0, goAway: 0 };
}

function isClosedStreamError(e: unknown): boolean {
  return e instanceof Error && e.name === "StreamStateError";
}

function isWindowedStream(s: unknown): s is WindowedStream {
  const w = s as Partial<WindowedStream> | null;
  return (
    typeof w?.sendWindowUpdate === "function" &&
    typeof w.recvWindow === "number" &&
    typeof w.recvWindowCapacity === "number"
  );
}

/**
 * Makes `stream` send its window update only once at most half of its receive window is
 * left (or when the library must: flags to send, a paused stream).
 */
export function lazyWindowUpdates(stream: unknown): void {
  if (!isWindowedStream(stream)) return;
  const eager = stream.sendWindowUpdate.bind(stream);
  stream.sendWindowUpdate = () => {
    if (stream.state === StreamState.Established && stream.recvWindowCapacity * 2 > stream.recvWindow) return;
    eager();
  };
}

/** `yamux()` with the two changes above; `counts` (when given) receives every frame sent. */
export function strikeYamux(counts?: MuxerFrameCounts): ReturnType<typeof yamux> {
  const factory = yamux();
  return () => {
    const muxerFactory: Yamux = factory();
    const create = muxerFactory.createStreamMuxer.bind(muxerFactory);
    muxerFactory.createStreamMuxer = (maConn): Muxer => {
      const muxer = create(maConn);
      // Streams bind the muxer's sendFrame when they are created, so this must come first.
      const target = muxer as unknown as {
        sendFrame: SendFrame;
        _newStream?: (...args: unknown[]) => unknown;
      };
      const send = target.sendFrame.bind(muxer);
      target.sendFrame = (header, data) => {
        const type = FRAME_TYPES[header.type];
        if (counts !== undefined && type !== undefined) counts[type]++;
        try {
          return send(header, data);
        } catch (e) {
          if (header.type !== DATA_FRAME && isClosedStreamError(e)) return false;
          throw e;
        }
      };
      const newStream = target._newStream?.bind(muxer);
      if (newStream !== undefined)
        target._newStream = (...args) => {
          const stream = newStream(...args);
          lazyWindowUpdates(stream);
          return stream;
        };
      return muxer;
    };
    return muxerFactory;
  };
}
