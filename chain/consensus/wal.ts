/**
 * The consensus write-ahead log: every event fed to the reducer during a height, so that
 * a restarted node replays them and resumes the height where it was (locks included).
 * Framing per record: crc32 (u32 BE) | length (u32 BE) | JSON payload. A torn last record
 * (crash mid-write) is cut off on open; a bad record before the end means corruption.
 * Our own signed messages are fsynced before they leave the node, on libuv's thread pool
 * (`sync`), so the event loop goes on meanwhile.
 */
import { promisify } from "node:util";
import {
  closeSync,
  existsSync,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  writeSync,
} from "node:fs";
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
  /** Drops all records once their height is committed to the database. */
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

export function openWal(path: string): { wal: Wal; records: WalRecord[] } {
  let records: WalRecord[] = [];
  if (existsSync(path)) {
    const read = readWalRecords(new Uint8Array(readFileSync(path)));
    records = read.records;
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
  const wal: Wal = {
    append(record) {
      if (closed) return;
      const payload = Buffer.from(toJson(record), "utf8");
      const frame = Buffer.alloc(HEADER + payload.length);
      frame.writeUInt32BE(crc32(payload) >>> 0, 0);
      frame.writeUInt32BE(payload.length, 4);
      payload.copy(frame, HEADER);
      writeSync(fd, frame);
    },
    async sync() {
      if (closed) return;
      syncing++;
      try {
        await fsyncAsync(fd);
      } finally {
        if (--syncing === 0 && closeWhenIdle) closeSync(fd);
      }
    },
    truncate() {
      if (closed || fstatSync(fd).size === 0) return;
      ftruncateSync(fd, 0);
      fsyncSync(fd);
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
