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
import { META_EARLIEST, readVersion, staleKey, versionBytes } from "./tree/keys.js";

/** With so few versions kept, what the next commit prunes was retired by this one: keep it in memory. */
const IN_MEMORY_MAX_KEEP = 4;
/** How many versions past the next one to read ahead. */
const LOOKAHEAD = 2;

export class Pruner {
  /** Stale-key records by since-version, complete for every since in (earliest, loadedUpTo]. */
  private readonly loaded = new Map<number, Uint8Array>();
  private loadedUpTo: number;
  private inFlight: Promise<void> | undefined;
  /** Keys retired by the commit being built. */
  private retired: Uint8Array[] = [];

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
    if (version <= this.target(version)) batch.del(dbKey);
    else this.retired.push(dbKey);
  }

  /** Ends a commit: stores its stale record, puts the deletions due at `version` and advances `earliest`. */
  prune(batch: WriteBatch, version: number): void {
    if (this.keepRecent === 0) return;
    if (this.retired.length > 0) {
      const record = encodeKeyList(this.retired);
      this.retired = [];
      batch.put(staleKey(version), record);
      if (this.keepRecent <= IN_MEMORY_MAX_KEEP) this.loaded.set(version, record);
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

function encodeKeyList(keys: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const k of keys) size += 2 + k.length;
  const out = new Uint8Array(size);
  let o = 0;
  for (const k of keys) {
    out[o] = k.length >>> 8;
    out[o + 1] = k.length & 0xff;
    out.set(k, o + 2);
    o += 2 + k.length;
  }
  return out;
}

function* decodeKeyList(record: Uint8Array): Generator<Uint8Array> {
  for (let o = 0; o < record.length;) {
    const n = (record[o]! << 8) | record[o + 1]!;
    yield record.subarray(o + 2, o + 2 + n);
    o += 2 + n;
  }
}
