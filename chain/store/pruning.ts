/**
 * Pruning of old versions. Every db key that a commit stops using (a replaced tree node,
 * an overwritten value, the previous root record) is "stale since" that commit's version
 * v: versions below v still read it, v and later do not. Keeping the newest `keepRecent`
 * versions readable means deleting everything stale since <= the earliest kept version.
 *
 * The stale index is one record per commit on disk (0x04 | since → the keys, each
 * u16-length-prefixed). Commit is synchronous, so the records that the next commits will
 * delete are read ahead asynchronously; a slow disk only makes pruning lag a block,
 * never makes it wrong: `earliest` advances only as far as everything older is deleted.
 */

import type { Database, WriteBatch } from "./types.js";
import { META_EARLIEST, nodeKey, nodeKeySize, readVersion, staleKey, versionBytes, writeNodeKey } from "./tree/keys.js";

/** With so few versions kept, what the next commit prunes was retired by this one: keep it in memory. */
const IN_MEMORY_MAX_KEEP = 4;
/** How many versions past the next one to read ahead. */
const LOOKAHEAD = 2;

export class Pruner {
  /** Stale-key records by since-version, complete for every since in (earliest, loadedUpTo]. */
  private readonly loaded = new Map<number, Uint8Array>();
  private loadedUpTo: number;
  private inFlight: Promise<void> | undefined;
  /**
   * Keys retired by the commit being built, already as its stale record (each key
   * u16-length-prefixed): a commit at 1M keys retires ~19,000 nodes, and a Buffer per key
   * copied again into the record was ~4% of a block's samples.
   */
  private retired = Buffer.allocUnsafeSlow(64 << 10);
  private retiredLength = 0;

  constructor(
    private readonly db: Database,
    private readonly keepRecent: number,
    private earliestVersion: number,
  ) {
    this.loadedUpTo = earliestVersion;
  }

  get earliest(): number {
    return this.earliestVersion;
  }

  /** Called at open with the last committed version: loads what the next commits will prune. */
  async start(version: number): Promise<void> {
    if (this.keepRecent === 0) return;
    const upTo =
      this.keepRecent <= IN_MEMORY_MAX_KEEP ? version : Math.min(version, version - this.keepRecent + 2 + LOOKAHEAD);
    await this.load(upTo);
  }

  /** The earliest version that a commit of `version` keeps. */
  target(version: number): number {
    return this.keepRecent === 0 ? this.earliestVersion : Math.max(this.earliestVersion, version - this.keepRecent + 1);
  }

  /** Records that `dbKey` is unused from `version` on (deleting it at once if no kept version reads it). */
  retire(batch: WriteBatch, dbKey: Uint8Array, version: number): void {
    if (this.keepRecent === 0) return;
    if (version <= this.target(version)) {
      batch.del(dbKey);
      return;
    }
    const at = this.reserve(dbKey.length);
    this.retired.set(dbKey, at);
  }

  /** `retire` of the tree node `nodeKey(nodeVersion, depth, keyHash)`, written straight into the stale record. */
  retireNode(batch: WriteBatch, nodeVersion: number, depth: number, keyHash: string, version: number): void {
    if (this.keepRecent === 0) return;
    if (version <= this.target(version)) {
      batch.del(nodeKey(nodeVersion, depth, keyHash));
      return;
    }
    const at = this.reserve(nodeKeySize(depth));
    writeNodeKey(this.retired, at, nodeVersion, depth, keyHash);
  }

  /** Appends a key length to the stale record being built and returns where the key's `n` bytes go. */
  private reserve(n: number): number {
    const need = this.retiredLength + 2 + n;
    if (need > this.retired.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, 2 * this.retired.length));
      this.retired.copy(grown, 0, 0, this.retiredLength);
      this.retired = grown;
    }
    const o = this.retiredLength;
    this.retired[o] = n >>> 8;
    this.retired[o + 1] = n & 0xff;
    this.retiredLength = need;
    return o + 2;
  }

  /** Ends a commit: stores its stale record, puts the deletions due at `version` and advances `earliest`. */
  prune(batch: WriteBatch, version: number): void {
    if (this.keepRecent === 0) return;
    if (this.retiredLength > 0) {
      const record = this.retired.subarray(0, this.retiredLength);
      this.retiredLength = 0;
      // The batch copies the record; the buffer is refilled by the next commit.
      batch.put(staleKey(version), record);
      if (this.keepRecent <= IN_MEMORY_MAX_KEEP) this.loaded.set(version, new Uint8Array(record));
    }
    if (this.keepRecent <= IN_MEMORY_MAX_KEEP) this.loadedUpTo = version;
    const to = Math.min(this.target(version), this.loadedUpTo);
    if (to <= this.earliestVersion) return;
    for (const [since, record] of this.loaded) {
      if (since > to) continue;
      for (const k of decodeKeyList(record)) batch.del(k);
      batch.del(staleKey(since));
      this.loaded.delete(since);
    }
    batch.put(META_EARLIEST, versionBytes(to));
    this.earliestVersion = to;
  }

  /**
   * After a commit of `version` (whose predecessors' batches are written): reads ahead the
   * records that the next commits will delete.
   */
  readAhead(version: number): void {
    if (this.keepRecent <= IN_MEMORY_MAX_KEEP || this.inFlight !== undefined) return;
    const upTo = Math.min(version - 1, version - this.keepRecent + 2 + LOOKAHEAD);
    if (upTo <= this.loadedUpTo) return;
    this.inFlight = this.load(upTo)
      .catch(() => undefined) // retried on the next commit; pruning just lags meanwhile
      .finally(() => {
        this.inFlight = undefined;
      });
  }

  /** Resolves when no read-ahead is running (for tests and orderly shutdown). */
  async settled(): Promise<void> {
    await this.inFlight;
  }

  private async load(upTo: number): Promise<void> {
    const from = this.loadedUpTo + 1;
    if (upTo < from) return;
    for await (const [k, v] of this.db.iterate({ start: staleKey(from), end: staleKey(upTo + 1) })) {
      this.loaded.set(readVersion(k, 1), v);
    }
    this.loadedUpTo = Math.max(this.loadedUpTo, upTo);
  }
}

function* decodeKeyList(record: Uint8Array): Generator<Uint8Array> {
  for (let o = 0; o < record.length;) {
    const n = (record[o]! << 8) | record[o + 1]!;
    yield record.subarray(o + 2, o + 2 + n);
    o += 2 + n;
  }
}
