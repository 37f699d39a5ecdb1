/**
 * Pruning of old versions. Every db key that a commit stops using (a replaced tree node,
 * an overwritten value, the previous root record) is "stale since" that commit's version
 * v: versions below v still read it, v and later do not. Keeping the newest `keepRecent`
 * versions readable means deleting everything stale since <= earliest kept version.
 *
 * The stale index lives on disk (0x04 | since | key). Commit is synchronous, so the part of
 * the index that the next commits will delete is read ahead asynchronously; a slow disk
 * only makes pruning lag a block, never makes it wrong: `earliest` advances only as far as
 * everything older has really been deleted.
 */

import type { Database, WriteBatch } from "./types.js";
import { META_EARLIEST, readVersion, staleKey, versionBytes } from "./tree/keys.js";

/** With so few versions kept, what the next commit prunes was retired by this one: keep it in memory. */
const IN_MEMORY_MAX_KEEP = 4;
/** How many versions past the next one to read ahead. */
const LOOKAHEAD = 2;

export class Pruner {
  /** Stale keys by since-version, complete for every since in (earliest, loadedUpTo]. */
  private readonly loaded = new Map<number, Uint8Array[]>();
  private loadedUpTo: number;
  private inFlight: Promise<void> | undefined;

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
    const upTo = this.keepRecent <= IN_MEMORY_MAX_KEEP ? version : Math.min(version, version - this.keepRecent + 2 + LOOKAHEAD);
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
    batch.put(staleKey(version, dbKey), new Uint8Array(0));
    if (this.keepRecent <= IN_MEMORY_MAX_KEEP) this.remember(version, dbKey);
  }

  /** Puts the deletions due at `version` into the batch and advances `earliest` as far as it safely can. */
  prune(batch: WriteBatch, version: number): void {
    if (this.keepRecent === 0) return;
    if (this.keepRecent <= IN_MEMORY_MAX_KEEP) this.loadedUpTo = version;
    const to = Math.min(this.target(version), this.loadedUpTo);
    if (to <= this.earliestVersion) return;
    for (const [since, keys] of this.loaded) {
      if (since > to) continue;
      for (const k of keys) {
        batch.del(k);
        batch.del(staleKey(since, k));
      }
      this.loaded.delete(since);
    }
    batch.put(META_EARLIEST, versionBytes(to));
    this.earliestVersion = to;
  }

  /**
   * After a commit of `version` (whose predecessors' batches are written): reads ahead the
   * index entries that the next commits will delete.
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
    const found = new Map<number, Uint8Array[]>();
    const end = staleKey(upTo + 1, new Uint8Array(0));
    for await (const [k] of this.db.iterate({ start: staleKey(from, new Uint8Array(0)), end })) {
      const since = readVersion(k, 1);
      let list = found.get(since);
      if (list === undefined) found.set(since, (list = []));
      list.push(k.subarray(9));
    }
    for (const [since, keys] of found) for (const k of keys) this.remember(since, k);
    this.loadedUpTo = Math.max(this.loadedUpTo, upTo);
  }

  private remember(since: number, dbKey: Uint8Array): void {
    let list = this.loaded.get(since);
    if (list === undefined) this.loaded.set(since, (list = []));
    list.push(dbKey);
  }
}
