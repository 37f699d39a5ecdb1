/**
 * The consensus write-ahead log: every event fed to the reducer during a height, so that
 * a restarted node replays them and resumes the height where it was (locks included).
 * Framing per record: crc32 (u32 BE) | length (u32 BE) | JSON payload. A torn last record
 * (crash mid-write) is cut off on open; a bad record before the end means corruption.
 * Our own signed messages are fsynced before they leave the node, on libuv's thread pool
 * (`sync`), so the event loop goes on meanwhile.
 *
 * Records of committed heights are dead (replay takes only the current height's), but the
 * file is cut only once it holds more than `keepBytes` (1 MiB by default): an ftruncate and
 * an fsync at every height cost ~0.6 ms of each block here (CPU profile of an idle localnet
 * validator), for a file of a few KB. A height's records with a block in them can pass the
 * limit alone: such a log is cut at every height, as before.
 *
 * The cut's fsync runs on the thread pool too. On the event loop it stalled a loaded
 * sequencer for 86 ms once (CPU profile at 500 orders/s on the localnet, 2026-12-07), and every
 * order that arrived meanwhile waited for its receipt. Nothing needs the cut on disk before
 * the next `sync`, which waits for it: a crash before then leaves the whole old log, whose
 * records are all of committed heights, or the cut one.
 */
import { promisify } from "node:util";
import { closeSync, existsSync, fsync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { crc32 } from "node:zlib";
import type { ConsensusEvent } from "./reducerTypes.js";
import { fromJson, toJson } from "./jsonCodec.js";
import { consensusErrors } from "./errors.js";

export type WalEvent = Exclude<ConsensusEvent, { kind: "start" } | { kind: "newHeight" }>;

export interface WalRecord {
  height: bigint;
  event: WalEvent;
}

export interface Wal {
  /** Appends a record (to the page cache). */
  append(record: WalRecord): void;
  /** Resolves once every record appended so far is on disk (our own votes and proposals wait for it). */
  sync(): Promise<void>;
  /** The current height is committed to the database: its records are dead, and dropped once the log is past `keepBytes`. */
  truncate(): void;
  close(): void;
}

const HEADER = 8;
const fsyncAsync = promisify(fsync);

/** Reads the valid records and the byte length they occupy. */
export function readWalRecords(bytes: Uint8Array): { records: WalRecord[]; validLength: number; torn: boolean } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: WalRecord[] = [];
  let off = 0;
  while (off < bytes.length) {
    if (off + HEADER > bytes.length) return { records, validLength: off, torn: true };
    const crc = view.getUint32(off);
    const len = view.getUint32(off + 4);
    const end = off + HEADER + len;
    if (end > bytes.length) return { records, validLength: off, torn: true };
    const payload = bytes.subarray(off + HEADER, end);
    if (crc32(payload) >>> 0 !== crc) {
      // Only the last record may be damaged by a crash; anything before it is corruption.
      if (end === bytes.length) return { records, validLength: off, torn: true };
      throw consensusErrors.walCorrupted(`bad checksum at offset ${off}`);
    }
    records.push(fromJson<WalRecord>(Buffer.from(payload).toString("utf8")));
    off = end;
  }
  return { records, validLength: off, torn: false };
}

/** The most bytes of dead records a log keeps before it is cut. */
export const WAL_KEEP_BYTES = 1024 * 1024;

export interface WalOptions {
  keepBytes?: number;
  /** In place of fsync on the thread pool: tests make it fail. */
  fsyncForTesting?: (fd: number) => Promise<void>;
}

export function openWal(path: string, o: WalOptions = {}): { wal: Wal; records: WalRecord[] } {
  const keepBytes = o.keepBytes ?? WAL_KEEP_BYTES;
  const fsyncFd = o.fsyncForTesting ?? fsyncAsync;
  let records: WalRecord[] = [];
  /** The file's length, as this log has written it. */
  let size = 0;
  if (existsSync(path)) {
    const read = readWalRecords(new Uint8Array(readFileSync(path)));
    records = read.records;
    size = read.validLength;
    if (read.torn) {
      const fd = openSync(path, "r+");
      ftruncateSync(fd, read.validLength);
      fsyncSync(fd);
      closeSync(fd);
    }
  }
  const fd = openSync(path, "a");
  let closed = false;
  /** fsyncs in flight: close waits for them, so none lands on a reused descriptor number. */
  let syncing = 0;
  let closeWhenIdle = false;
  /** The last cut's fsync while in flight; it never rejects. */
  let cutSynced: Promise<void> | undefined;
  /**
   * Why the last cut's fsync failed, for the next `sync` to throw: the kernel reports a
   * writeback error to one fsync only, so a later fsync would succeed over lost data.
   */
  let cutFailure: unknown;
  const fsyncTracked = async (): Promise<void> => {
    syncing++;
    try {
      await fsyncFd(fd);
    } finally {
      if (--syncing === 0 && closeWhenIdle) closeSync(fd);
    }
  };
  const wal: Wal = {
    append(record) {
      if (closed) return;
      const payload = Buffer.from(toJson(record), "utf8");
      const frame = Buffer.alloc(HEADER + payload.length);
      frame.writeUInt32BE(crc32(payload) >>> 0, 0);
      frame.writeUInt32BE(payload.length, 4);
      payload.copy(frame, HEADER);
      writeSync(fd, frame);
      size += frame.length;
    },
    async sync() {
      if (closed) return;
      // Counted from here, not from its own fsync: a close while it waits for the cut keeps
      // the descriptor open for it.
      syncing++;
      try {
        if (cutSynced !== undefined) await cutSynced;
        if (cutFailure !== undefined) {
          const failure = cutFailure;
          cutFailure = undefined;
          throw failure;
        }
        await fsyncFd(fd);
      } finally {
        if (--syncing === 0 && closeWhenIdle) closeSync(fd);
      }
    },
    truncate() {
      if (closed || size <= keepBytes) return;
      ftruncateSync(fd, 0);
      size = 0;
      const synced: Promise<void> = fsyncTracked().then(
        () => undefined,
        (e: unknown) => {
          cutFailure = e;
        },
      );
      cutSynced = synced;
      void synced.finally(() => {
        if (cutSynced === synced) cutSynced = undefined;
      });
    },
    close() {
      if (closed) return;
      closed = true;
      if (syncing === 0) closeSync(fd);
      else closeWhenIdle = true;
    },
  };
  return { wal, records };
}
