import type { Stream } from "@libp2p/interface";
import { p2pErrors } from "./errors.js";

/** Frames queued in one tick are written together, up to this many bytes per write. */
const BATCH_BYTES = 64 * 1024;

export interface SendQueueLimits {
  maxBytes: number;
  maxMessages: number;
}

/**
 * The outgoing side of one (peer, channel): a bounded FIFO of encoded frames in front of one
 * long-lived libp2p stream. Frames are written at the end of the current tick (coalesced) while
 * the stream accepts data; once it reports back-pressure (yamux window or socket full) they
 * wait here until 'drain'.
 * When the queue is at its byte or message limit a new frame is refused (dropped): the caller
 * learns it from `enqueue` returning false. Memory per (peer, channel) is therefore bounded by
 * maxBytes here plus what libp2p holds in flight (one frame past its high-water mark plus the
 * yamux window).
 */
export class ChannelSender {
  private queue: (Uint8Array | undefined)[] = [];
  private head = 0;
  private bytes = 0;
  private stream: Stream | undefined;
  private closed = false;
  private lastProgressMs: number;
  private pumpScheduled = false;

  constructor(
    private readonly limits: SendQueueLimits,
    private readonly now: () => number,
    /** The attached stream closed while this sender was still open. */
    private readonly onStreamClosed: () => void,
  ) {
    this.lastProgressMs = now();
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  get attached(): boolean {
    return this.stream !== undefined;
  }

  get queuedMessages(): number {
    return this.queue.length - this.head;
  }

  /** Whether a frame of this size would be queued now (checked before encoding one). */
  accepts(frameBytes: number): boolean {
    return (
      !this.closed && this.queuedMessages < this.limits.maxMessages && this.bytes + frameBytes <= this.limits.maxBytes
    );
  }

  /** Queues a frame; false when the queue is full (the frame is dropped) or the sender is closed. */
  enqueue(frame: Uint8Array): boolean {
    if (!this.accepts(frame.length)) return false;
    this.queue.push(frame);
    this.bytes += frame.length;
    this.schedulePump();
    return true;
  }

  attach(stream: Stream): void {
    if (this.closed) {
      stream.abort(p2pErrors.streamClosed());
      return;
    }
    this.stream = stream;
    this.lastProgressMs = this.now();
    stream.addEventListener("drain", this.onDrain);
    stream.addEventListener("close", this.onClose);
    this.pump();
  }

  /** Since when frames have waited without any progress; undefined while nothing waits. */
  waitingSinceMs(): number | undefined {
    return this.queuedMessages > 0 ? this.lastProgressMs : undefined;
  }

  /** Drops everything queued and aborts the stream. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.head = 0;
    this.bytes = 0;
    const stream = this.detach();
    stream?.abort(p2pErrors.streamClosed());
  }

  private readonly onDrain = (): void => {
    this.lastProgressMs = this.now();
    this.pump();
  };

  private readonly onClose = (): void => {
    this.detach();
    if (!this.closed) this.onStreamClosed();
  };

  private detach(): Stream | undefined {
    const stream = this.stream;
    if (stream === undefined) return undefined;
    stream.removeEventListener("drain", this.onDrain);
    stream.removeEventListener("close", this.onClose);
    this.stream = undefined;
    return stream;
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    // After the event loop's current I/O phase, not the current callback: the frames queued by
    // every request and message handled in this pass of the loop go out in one write.
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /**
   * Writes queued frames while the stream accepts data. Frames queued in the same tick are
   * coalesced into writes of up to BATCH_BYTES: each stream write costs a yamux frame, a noise
   * seal and a socket write, which dominate for small messages.
   */
  private pump(): void {
    const stream = this.stream;
    if (stream === undefined) return;
    while (this.head < this.queue.length) {
      if (stream.writableNeedsDrain || stream.writeStatus !== "writable") break;
      let end = this.head;
      let size = 0;
      while (end < this.queue.length && (end === this.head || size + this.queue[end]!.length <= BATCH_BYTES)) {
        size += this.queue[end]!.length;
        end++;
      }
      let chunk: Uint8Array;
      if (end - this.head === 1) {
        chunk = this.queue[this.head]!;
      } else {
        chunk = new Uint8Array(size);
        let offset = 0;
        for (let i = this.head; i < end; i++) {
          chunk.set(this.queue[i]!, offset);
          offset += this.queue[i]!.length;
        }
      }
      for (let i = this.head; i < end; i++) this.queue[i] = undefined;
      this.head = end;
      this.bytes -= size;
      try {
        stream.send(chunk);
      } catch {
        // The stream is closing under us; its 'close' event reopens the channel.
        break;
      }
      this.lastProgressMs = this.now();
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
