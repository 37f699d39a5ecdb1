/**
 * The RocksDB `Database`, through the `rocksdb` package (leveldown API). Keys and
 * values are raw bytes. A batch is a native RocksDB WriteBatch filled op by op (a block
 * commit puts ~100k entries: holding them as JS objects until the write would feed the
 * garbage collector) and applied in one atomic write; one never written leaves no trace.
 */

import { createRequire } from "node:module";
import type { Database, DatabaseStats, WriteBatch } from "./types.js";
import { storeErrors } from "./errors.js";
import { asBuffer } from "../types/bytes.js";

type Callback<T = void> = (err: Error | null | undefined, result?: T) => void;

/** The part of the leveldown API used here (the package ships no types). */
interface LevelDown {
  open(options: { createIfMissing: boolean; writeBufferSize: number; blockSize: number }, cb: Callback): void;
  close(cb: Callback): void;
  get(key: Buffer, options: { asBuffer: boolean; fillCache: boolean }, cb: Callback<Buffer>): void;
  getMany(
    keys: Buffer[],
    options: { asBuffer: boolean; fillCache: boolean },
    cb: Callback<(Buffer | undefined)[]>,
  ): void;
  put(key: Buffer, value: Buffer, cb: Callback): void;
  batch(): ChainedBatch;
  iterator(options: Record<string, unknown>): LevelIterator;
  /** A RocksDB property (`rocksdb.*`), synchronously; "" for an unknown one. */
  getProperty(name: string): string;
}

interface LevelIterator {
  next(cb: (err: Error | null | undefined, key?: Buffer, value?: Buffer) => void): void;
  end(cb: Callback): void;
}

interface ChainedBatch {
  /** leveldown's unchecked op methods: keys and values here are always Buffers, so the checks of put/del are skipped. */
  _put(key: Buffer, value: Buffer): void;
  _del(key: Buffer): void;
  write(options: { sync: boolean }, cb: Callback): void;
}

const require = createRequire(import.meta.url);
const leveldown = require("rocksdb") as (location: string) => LevelDown;

const readOptions = { asBuffer: true, fillCache: true };

/**
 * The memtable (write buffer) size: RocksDB's own default, 64 MiB. The binding's default is
 * LevelDB's 4 MiB, but the RocksDB under it keeps its level sizing (level 1 holds 256 MiB, and
 * four level-0 files trigger a compaction into it): with 4 MiB memtables every 16 MiB written
 * merged into level 1 again, so a validator's RocksDB threads rewrote the same data over and
 * over. On the idle 4-validator localnet (22,000 heights) they used 3.6–5.1 ms of CPU per block
 * per validator, about half of what its main thread used; 0.95–1.0 ms with 16 or 32 MiB,
 * 0.15–0.3 ms with 64 MiB (120 s windows, in which a 64 MiB memtable may not fill: a lower
 * bound), and the machine went from 0.71–0.97 to 0.48–0.76 cores busy. Saturated (bench/localnetSends.ts, BENCH_TXS_PER_ACCOUNT=40, four
 * alternated pairs) the localnet committed 620–731 tx/s against 549–610, and one node
 * (bench/bankSends.ts, two pairs) 1,780–1,822 against 1,253–1,610. The cost is memory: at most
 * two memtables (one being flushed), up to 128 MiB more than before.
 */
export const WRITE_BUFFER_BYTES = 64 << 20;

/**
 * The data block size: 16 KiB, not RocksDB's 4 KiB. Every open file keeps its index (one
 * entry per block) and its bloom filter in memory, outside any cache, so that memory grows
 * with the database: in a 30-minute soak of one node (bench/results/soak.json) it went from 2
 * to 42 MB, 1.5% of the files, and it never stops growing while blocks are kept. Copying a
 * validator's 22,000-height database (1.16M keys) into each size: 6.5 MB of index and filters
 * with 4 KiB blocks, 2.9 MB with 16 KiB; files of 614 and 486 MB (a larger block compresses
 * better). The cost is in reads that miss the block cache (8 MiB), which decompress a larger
 * block: 10,000 random gets took 42 and 57 µs each. The state is read from memory
 * (stateStore.ts); RocksDB's reads are the RPC's and peers' queries of blocks and txs.
 */
export const BLOCK_BYTES = 16 << 10;

export async function openRocksDatabase(path: string): Promise<Database> {
  const db = leveldown(path);
  await call<void>((cb) =>
    db.open({ createIfMissing: true, writeBufferSize: WRITE_BUFFER_BYTES, blockSize: BLOCK_BYTES }, cb),
  ).catch((e: unknown) => {
    const reason = e instanceof Error ? e.message : String(e);
    // RocksDB's LOCK file is held by a running process: the common case is a second node on one home.
    const hint = /lock/i.test(reason) ? " (is another node already running with this home?)" : "";
    throw storeErrors.databaseUnavailable(`cannot open RocksDB at ${path}: ${reason}${hint}`, { cause: reason });
  });

  let closing = false;
  return {
    async get(key) {
      return call<Buffer>((cb) => db.get(asBuffer(key), readOptions, cb)).then(bytes, (e: unknown) => {
        if (isNotFound(e)) return undefined;
        throw e;
      });
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      const values = await call<(Buffer | undefined)[]>((cb) => db.getMany(keys.map(asBuffer), readOptions, cb));
      return (values ?? []).map((v) => (v === undefined || v === null ? undefined : bytes(v)));
    },
    async put(key, value) {
      await call<void>((cb) => db.put(asBuffer(key), asBuffer(value), cb));
    },
    batch(): WriteBatch {
      let native: ChainedBatch | undefined;
      let count = 0;
      return {
        // The native batch copies keys and values as they are put.
        put(key, value) {
          (native ??= db.batch())._put(asBuffer(key), asBuffer(value));
          count++;
        },
        del(key) {
          (native ??= db.batch())._del(asBuffer(key));
          count++;
        },
        get length() {
          return count;
        },
        async write() {
          const toWrite = native;
          native = undefined;
          count = 0;
          if (toWrite === undefined) return;
          await call<void>((cb) => toWrite.write({ sync: false }, cb));
        },
      };
    },
    iterate({ start, end, reverse = false, limit }) {
      const options: Record<string, unknown> = { reverse, keyAsBuffer: true, valueAsBuffer: true, limit: limit ?? -1 };
      if (start !== undefined) options["gte"] = asBuffer(start);
      if (end !== undefined) options["lt"] = asBuffer(end);
      return iterateLevel(db.iterator(options));
    },
    async close() {
      closing = true;
      await call<void>((cb) => db.close(cb));
    },
    stats(): DatabaseStats {
      // The binding reads the property through its RocksDB handle without checking it is
      // open: during a close that handle is being freed (off this thread), after it it is null.
      if (closing) return { memtableBytes: 0, tableReaderBytes: 0, blockCacheBytes: 0, sstFileBytes: 0 };
      return {
        memtableBytes: property(db, "rocksdb.cur-size-all-mem-tables"),
        tableReaderBytes: property(db, "rocksdb.estimate-table-readers-mem"),
        blockCacheBytes: property(db, "rocksdb.block-cache-usage"),
        sstFileBytes: property(db, "rocksdb.total-sst-files-size"),
      };
    },
  };
}

/** A numeric RocksDB property of an open database; 0 when RocksDB does not report it. */
function property(db: LevelDown, name: string): number {
  const n = Number(db.getProperty(name));
  return Number.isFinite(n) ? n : 0;
}

async function* iterateLevel(it: LevelIterator): AsyncGenerator<[Uint8Array, Uint8Array]> {
  try {
    for (;;) {
      const entry = await new Promise<[Buffer, Buffer] | undefined>((resolve, reject) => {
        it.next((err, key, value) => {
          if (err) reject(err);
          else resolve(key === undefined || value === undefined ? undefined : [key, value]);
        });
      });
      if (entry === undefined) return;
      yield [bytes(entry[0]), bytes(entry[1])];
    }
  } finally {
    // Ending releases the native iterator's snapshot, also when the caller stops early.
    await call<void>((cb) => it.end(cb)).catch(() => undefined);
  }
}

function call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn((err, result) => (err ? reject(err) : resolve(result as T)));
  });
}

/** A plain Uint8Array view of the Buffer, so results compare equal to ordinary byte arrays. */
function bytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function isNotFound(e: unknown): boolean {
  return (
    typeof e === "object" &&
    e !== null &&
    ((e as { notFound?: boolean }).notFound === true || /NotFound/i.test(String((e as Error).message)))
  );
}
