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

/** `noise()` whose secured connections write with `corkedSends`. */
export function strikeNoise(): NoiseFactory {
  const factory = noise();
  return (components) => {
    const encrypter: Encrypter = factory(components);
    const inbound = encrypter.secureInbound.bind(encrypter);
    const outbound = encrypter.secureOutbound.bind(encrypter);
    encrypter.secureInbound = (connection, options) => {
      corkedSends(connection);
      return inbound(connection, options);
    };
    encrypter.secureOutbound = (connection, options) => {
      corkedSends(connection);
      return outbound(connection, options);
    };
    return encrypter;
  };
}
