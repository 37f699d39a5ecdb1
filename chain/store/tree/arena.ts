/**
 * The disk records of one tree update, written as its nodes are built (rebuild.ts's
 * rebuildNode), while their hashes and entries are still in the builder's scratch buffers.
 * Encoding them at commit instead read every new node's strings back from memory, ~23 MB
 * a block of 10,000 updates at 1M keys, long evicted from the caches by then.
 *
 * A record names its internal children's versions, and a child built by the same update
 * has none until the commit gives it one: such fields are listed and filled at commit.
 */

/** Enough for a block of ~5,000 updates at 1M keys; grown by doubling. */
const INITIAL_BYTES = 4 << 20;

export class RecordArena {
  buf: Buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  /** Bytes used. */
  length = 0;
  /** Offsets of version fields naming a node built by this update. */
  readonly pendingVersions: number[] = [];

  /** Makes room for `n` more bytes; returns where they start. */
  reserve(n: number): number {
    const need = this.length + n;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, 2 * this.buf.length));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    return this.length;
  }

  /** Empties the arena for another update (its records must all have been handed over). */
  reset(): void {
    this.length = 0;
    this.pendingVersions.length = 0;
  }
}
