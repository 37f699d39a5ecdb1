/**
 * Frames on a channel stream: a 4-byte big-endian payload length, then the payload. A fixed
 * header (not a varint) lets the reader reject an oversized message from its first 4 bytes,
 * before buffering any of its payload.
 */
export const FRAME_HEADER_BYTES = 4;

/** Header and payload in one buffer: one write, and the caller may reuse its buffer afterwards. */
export function encodeFrame(message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + message.length);
  new DataView(frame.buffer).setUint32(0, message.length, false);
  frame.set(message, FRAME_HEADER_BYTES);
  return frame;
}

export interface OversizedFrame {
  length: number;
  max: number;
}

/**
 * Reassembles frames from the chunks a stream delivers. It holds at most one partial frame
 * (≤ max + header bytes) plus the unread tail of the last chunk.
 */
export class FrameDecoder {
  private readonly chunks: Uint8Array[] = [];
  /** Bytes of chunks[0] already consumed. */
  private headOffset = 0;
  private buffered = 0;
  /** Payload length of the frame being assembled, once its header is read. */
  private pending: number | undefined;
  private failed = false;

  constructor(private readonly maxPayloadBytes: number) {}

  /**
   * Feeds the next chunks; calls `deliver` for each complete frame, in order. Returns the
   * violation if a header announces more than the maximum: the decoder then refuses all input.
   */
  push(chunks: Iterable<Uint8Array>, deliver: (message: Uint8Array) => void): OversizedFrame | undefined {
    if (this.failed) return undefined;
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    for (;;) {
      if (this.pending === undefined) {
        if (this.buffered < FRAME_HEADER_BYTES) return undefined;
        const header = this.take(FRAME_HEADER_BYTES);
        const length = new DataView(header.buffer, header.byteOffset, FRAME_HEADER_BYTES).getUint32(0, false);
        if (length > this.maxPayloadBytes) {
          this.failed = true;
          this.chunks.length = 0;
          this.buffered = 0;
          return { length, max: this.maxPayloadBytes };
        }
        this.pending = length;
      }
      if (this.buffered < this.pending) return undefined;
      const message = this.take(this.pending);
      this.pending = undefined;
      deliver(message);
      if (this.failed) return undefined;
    }
  }

  /** Stops decoding: later input is ignored (the peer is being dropped). */
  close(): void {
    this.failed = true;
    this.chunks.length = 0;
    this.buffered = 0;
  }

  /** Copies the next n bytes out: a delivered message never pins a larger transport buffer. */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.chunks[0]!;
      const available = head.length - this.headOffset;
      const count = Math.min(available, n - filled);
      out.set(head.subarray(this.headOffset, this.headOffset + count), filled);
      filled += count;
      if (count === available) {
        this.chunks.shift();
        this.headOffset = 0;
      } else {
        this.headOffset += count;
      }
    }
    this.buffered -= n;
    return out;
  }
}
