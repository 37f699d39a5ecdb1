/**
 * The noise encrypter as Strike's hosts use it: js-libp2p's, with the writes of each
 * connection it secures corked.
 *
 * The library's noise stream hands the TCP connection each frame as two buffers, its 2-byte
 * length and its ciphertext, and the TCP connection gives each buffer its own socket write.
 * So every frame cost two syscalls, two TCP segments through loopback, and two wake-ups of
 * the receiver: in an idle 4-validator localnet, half of each validator's socket writes
 * were 2 bytes long (strace, 3 s: ~115 two-byte writes to each peer beside ~115 others).
 * Corking the socket while the connection writes one batch makes the batch a single
 * writev.
 *
 * A batch at or above the socket's high-water mark is written as the library writes it:
 * corked, its buffers would all wait in the socket, and the write would report the socket
 * full after the first 16 KiB, pausing a large transfer (block sync) on every drain.
 *
 * On the way in, the library's frame decoder learns that it has read every whole frame of
 * a chunk from an exception: its length reader throws a RangeError when fewer than 2 bytes
 * are left, once for every chunk received. The error's stack trace cost more than the rest
 * of reading the frames (16% of a validator's receive path in an idle localnet's CPU
 * profile). `quietFrameLengths` gives the decoder a reader that answers a length no frame
 * can have instead, so the decoder waits for more bytes as it did after the exception.
 */
import { noise } from "@chainsafe/libp2p-noise";

type NoiseFactory = ReturnType<typeof noise>;
type Encrypter = ReturnType<NoiseFactory>;

/** The TCP connection as far as corking reads and replaces it. */
interface SocketConnection {
  socket: { cork(): void; uncork(): void; writableHighWaterMark: number };
  sendData(data: { byteLength: number }): unknown;
}

function isSocketConnection(c: unknown): c is SocketConnection {
  if (typeof c !== "object" || c === null) return false;
  const s = (c as Partial<SocketConnection>).socket;
  return (
    typeof (c as Partial<SocketConnection>).sendData === "function" &&
    typeof s?.cork === "function" &&
    typeof s.uncork === "function" &&
    typeof s.writableHighWaterMark === "number"
  );
}

/**
 * Makes `connection` (a libp2p TCP connection) write each batch smaller than its socket's
 * high-water mark with one syscall. Anything else is left as it is.
 */
export function corkedSends(connection: unknown): void {
  if (!isSocketConnection(connection)) return;
  const { socket } = connection;
  const send = connection.sendData.bind(connection);
  connection.sendData = (data) => {
    if (data.byteLength >= socket.writableHighWaterMark) return send(data);
    socket.cork();
    try {
      return send(data);
    } finally {
      socket.uncork();
    }
  };
}

/** The library's list of received chunks, as far as a length is read from it. */
interface ChunkList {
  readonly byteLength: number;
  get(index: number): number;
}

/** A noise frame's length is a u16: one past its largest says "not all here yet". */
export const NOT_ALL_HERE = 0x1_0000;

/** A noise frame's length from its first two bytes, or NOT_ALL_HERE while fewer have arrived. */
export function frameLength(data: Uint8Array | ChunkList): number {
  if (data.byteLength < 2) return NOT_ALL_HERE;
  if (data instanceof Uint8Array) return (data[0]! << 8) | data[1]!;
  return (data.get(0) << 8) | data.get(1);
}

/** The secured connection's frame decoder, as far as `quietFrameLengths` reads and replaces it. */
interface FrameDecoder {
  lengthDecoder: (data: Uint8Array | ChunkList) => number;
  maxDataLength: number;
}

function isFrameDecoder(d: unknown): d is FrameDecoder {
  const f = d as Partial<FrameDecoder> | null;
  return typeof f?.lengthDecoder === "function" && typeof f.maxDataLength === "number";
}

/**
 * Gives a secured connection's frame decoder `frameLength`, which never throws. The decoder
 * takes a frame once `2 + length` bytes are buffered, so with fewer than 2 bytes NOT_ALL_HERE
 * makes it stop and read the length again when the next chunk arrives. NOT_ALL_HERE must not
 * exceed the decoder's own limit, which would fail the connection: such a decoder is left as
 * it is, as is anything else.
 */
export function quietFrameLengths(secured: unknown): void {
  const decoder = (secured as { decoder?: unknown } | null)?.decoder;
  if (!isFrameDecoder(decoder) || decoder.maxDataLength < NOT_ALL_HERE) return;
  decoder.lengthDecoder = frameLength;
}

/** `noise()` whose connections write with `corkedSends` and read with `quietFrameLengths`. */
export function strikeNoise(): NoiseFactory {
  const factory = noise();
  return (components) => {
    const encrypter: Encrypter = factory(components);
    const inbound = encrypter.secureInbound.bind(encrypter);
    const outbound = encrypter.secureOutbound.bind(encrypter);
    encrypter.secureInbound = async (connection, options) => {
      corkedSends(connection);
      const secured = await inbound(connection, options);
      quietFrameLengths(secured.connection);
      return secured;
    };
    encrypter.secureOutbound = async (connection, options) => {
      corkedSends(connection);
      const secured = await outbound(connection, options);
      quietFrameLengths(secured.connection);
      return secured;
    };
    return encrypter;
  };
}
