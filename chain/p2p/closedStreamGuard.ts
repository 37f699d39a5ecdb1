/**
 * js-libp2p's yamux muxer sends control frames (window updates, pings) from microtasks; when
 * the connection has just closed, the write throws StreamStateError where nothing of ours is
 * on the stack to catch it, and the whole node dies because a peer went away at the wrong
 * moment (seen in a 4-validator localnet when one validator was killed). A control frame for
 * a dead connection has nowhere to go, so it is dropped; data frames still throw to the
 * writer as before.
 */
import { yamux } from "@chainsafe/libp2p-yamux";

type Yamux = ReturnType<ReturnType<typeof yamux>>;
type Muxer = ReturnType<Yamux["createStreamMuxer"]>;
type SendFrame = (header: { type: number }, data?: unknown) => boolean;

const DATA_FRAME = 0;

function isClosedStreamError(e: unknown): boolean {
  return e instanceof Error && e.name === "StreamStateError";
}

/** `yamux()` whose muxers drop a control frame written to a connection that already closed. */
export function closedSafeYamux(): ReturnType<typeof yamux> {
  const factory = yamux();
  return () => {
    const muxerFactory: Yamux = factory();
    const create = muxerFactory.createStreamMuxer.bind(muxerFactory);
    muxerFactory.createStreamMuxer = (maConn): Muxer => {
      const muxer = create(maConn);
      // Streams bind the muxer's sendFrame when they are created, so this must come first.
      const target = muxer as unknown as { sendFrame: SendFrame };
      const send = target.sendFrame.bind(muxer);
      target.sendFrame = (header, data) => {
        try {
          return send(header, data);
        } catch (e) {
          if (header.type !== DATA_FRAME && isClosedStreamError(e)) return false;
          throw e;
        }
      };
      return muxer;
    };
    return muxerFactory;
  };
}
