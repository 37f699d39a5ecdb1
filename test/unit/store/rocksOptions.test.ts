/**
 * The options RocksDB really runs with, read back from the OPTIONS file it writes into the
 * database directory (not from what we pass): the memtable must be RocksDB's own 64 MiB, the
 * size its level sizing assumes, and not the binding's 4 MiB; data blocks of 16 KiB, not 4 KiB
 * (chain/store/rocksDb.ts says why of both).
 */
import test from "ava";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BLOCK_BYTES, openRocksDatabase, WRITE_BUFFER_BYTES } from "../../../chain/store/rocksDb.js";

async function optionsOf(dir: string): Promise<Map<string, string>> {
  const files = (await readdir(dir)).filter((f) => f.startsWith("OPTIONS-")).sort();
  const text = await readFile(join(dir, files.at(-1)!), "utf8");
  const options = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\s*([a-z0-9_]+)=(.*)$/.exec(line);
    if (m !== null && !options.has(m[1]!)) options.set(m[1]!, m[2]!);
  }
  return options;
}

test("a node's RocksDB runs with 64 MiB memtables, a quarter of level 1 as RocksDB sizes its levels, and 16 KiB blocks", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "strike-rocks-options-"));
  try {
    const db = await openRocksDatabase(dir);
    await db.put(Uint8Array.of(1), Uint8Array.of(2));
    await db.close();
    const options = await optionsOf(dir);
    t.is(WRITE_BUFFER_BYTES, 64 * 2 ** 20);
    t.is(options.get("write_buffer_size"), String(64 * 2 ** 20));
    // Four level-0 files of one memtable each fill level 1: the proportion RocksDB's defaults keep.
    t.is(options.get("level0_file_num_compaction_trigger"), "4");
    t.is(options.get("max_bytes_for_level_base"), String(4 * 64 * 2 ** 20));
    // At most two memtables in memory (one being flushed): what the setting can cost.
    t.is(options.get("max_write_buffer_number"), "2");
    // 16 KiB data blocks: a quarter of the index entries that every open file keeps in memory.
    t.is(BLOCK_BYTES, 16 * 2 ** 10);
    t.is(options.get("block_size"), String(16 * 2 ** 10));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
