/**
 * RocksDB's own counts of its memory and files (`Database.stats`, exported as the node's
 * `strike_db_*` metrics): what an operator reads to tell RocksDB's share of a node's RSS
 * from the JS heap's.
 */
import test from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openRocksDatabase } from "../../../chain/store/rocksDb.js";

const KEYS = 2_000;
const VALUE_BYTES = 500;

async function fill(db: Awaited<ReturnType<typeof openRocksDatabase>>): Promise<void> {
  const batch = db.batch();
  for (let i = 0; i < KEYS; i++) {
    const key = new Uint8Array(8);
    new DataView(key.buffer).setUint32(4, i);
    batch.put(key, new Uint8Array(VALUE_BYTES).fill(i & 0xff));
  }
  await batch.write();
}

test("stats count the unflushed writes in the memtables, then the files and their index and filters once flushed", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "strike-rocks-stats-"));
  try {
    const db = await openRocksDatabase(dir);
    const empty = db.stats!();
    await fill(db);
    const written = db.stats!();
    // ~1 MB written: all of it in the memtable (64 MiB), none in files yet.
    t.true(written.memtableBytes - empty.memtableBytes >= KEYS * VALUE_BYTES, `memtables ${written.memtableBytes}`);
    t.is(written.sstFileBytes, 0);
    await db.close();
    t.deepEqual(db.stats!(), { memtableBytes: 0, tableReaderBytes: 0, blockCacheBytes: 0, sstFileBytes: 0 });

    // Reopening replays the log into a level-0 file: the data is on disk, its index and filter in memory.
    const reopened = await openRocksDatabase(dir);
    const after = reopened.stats!();
    t.true(after.sstFileBytes > 0, `files ${after.sstFileBytes}`);
    t.true(after.tableReaderBytes > 0, `table readers ${after.tableReaderBytes}`);
    t.true(after.memtableBytes < KEYS * VALUE_BYTES, `memtables ${after.memtableBytes}`);
    t.is(after.blockCacheBytes, 0, "nothing read yet");
    const key = new Uint8Array(8);
    new DataView(key.buffer).setUint32(4, 7);
    t.deepEqual(await reopened.get(key), new Uint8Array(VALUE_BYTES).fill(7));
    t.true(reopened.stats!().blockCacheBytes > 0, "a read caches its data block");
    await reopened.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
