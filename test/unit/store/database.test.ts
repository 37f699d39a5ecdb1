import test from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { openRocksDatabase } from "../../../chain/store/rocksDb.js";
import type { Database } from "../../../chain/store/types.js";
import { toHex } from "../../../chain/types/bytes.js";

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);

interface Backend {
  name: string;
  open(): Promise<{ db: Database; reopen?: () => Promise<Database>; cleanup: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: "memory",
    async open() {
      return { db: createMemoryDatabase(), cleanup: async () => undefined };
    },
  },
  {
    name: "rocksdb",
    async open() {
      const dir = await mkdtemp(join(tmpdir(), "strike-db-"));
      return {
        db: await openRocksDatabase(dir),
        reopen: () => openRocksDatabase(dir),
        cleanup: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
];

async function collect(it: AsyncIterable<[Uint8Array, Uint8Array]>): Promise<string[]> {
  const out: string[] = [];
  for await (const [k, v] of it) out.push(`${toHex(k)}=${toHex(v)}`);
  return out;
}

for (const backend of backends) {
  test(`${backend.name}: get returns what put stored, undefined for a missing key`, async (t) => {
    const { db, cleanup } = await backend.open();
    try {
      await db.put(b(1, 2), b(9));
      t.deepEqual(await db.get(b(1, 2)), b(9));
      t.is(await db.get(b(1)), undefined);
      t.deepEqual(await db.getMany([b(1), b(1, 2)]), [undefined, b(9)]);
      t.deepEqual(await db.getMany([]), []);
    } finally {
      await db.close();
      await cleanup();
    }
  });

  test(`${backend.name}: a batch applies all its puts and deletes on write, nothing before`, async (t) => {
    const { db, cleanup } = await backend.open();
    try {
      await db.put(b(1), b(1));
      const batch = db.batch();
      batch.put(b(2), b(2));
      batch.del(b(1));
      batch.put(b(3), Uint8Array.of());
      t.is(batch.length, 3);
      t.deepEqual(await db.get(b(1)), b(1));
      t.is(await db.get(b(2)), undefined);
      await batch.write();
      t.is(await db.get(b(1)), undefined);
      t.deepEqual(await db.get(b(2)), b(2));
      t.deepEqual(await db.get(b(3)), Uint8Array.of());
    } finally {
      await db.close();
      await cleanup();
    }
  });

  test(`${backend.name}: iterate honours start inclusive, end exclusive, reverse and limit in byte order`, async (t) => {
    const { db, cleanup } = await backend.open();
    try {
      const batch = db.batch();
      for (const k of [b(0x00), b(0x01), b(0x01, 0x00), b(0x7f), b(0x80), b(0xff, 0xff)]) batch.put(k, b(k.length));
      await batch.write();
      t.deepEqual(await collect(db.iterate({})), ["00=01", "01=01", "0100=02", "7f=01", "80=01", "ffff=02"]);
      t.deepEqual(await collect(db.iterate({ start: b(0x01), end: b(0x80) })), ["01=01", "0100=02", "7f=01"]);
      t.deepEqual(await collect(db.iterate({ start: b(0x01), end: b(0x80), reverse: true })), [
        "7f=01",
        "0100=02",
        "01=01",
      ]);
      t.deepEqual(await collect(db.iterate({ reverse: true, limit: 2 })), ["ffff=02", "80=01"]);
      t.deepEqual(await collect(db.iterate({ start: b(0x01), limit: 1 })), ["01=01"]);
      t.deepEqual(await collect(db.iterate({ start: b(0x90), end: b(0xa0) })), []);
    } finally {
      await db.close();
      await cleanup();
    }
  });

  test(`${backend.name}: breaking out of an iteration early releases it and later calls work`, async (t) => {
    const { db, cleanup } = await backend.open();
    try {
      const batch = db.batch();
      for (let i = 0; i < 50; i++) batch.put(b(i), b(i));
      await batch.write();
      let n = 0;
      for await (const _ of db.iterate({})) {
        if (++n === 3) break;
      }
      t.is(n, 3);
      t.is((await collect(db.iterate({ start: b(10), end: b(20) }))).length, 10);
    } finally {
      await db.close();
      await cleanup();
    }
  });
}

test("rocksdb: data survives close and reopen", async (t) => {
  const { db, reopen, cleanup } = await backends[1]!.open();
  try {
    const batch = db.batch();
    batch.put(b(5), b(6));
    await batch.write();
    await db.close();
    const again = await reopen!();
    t.deepEqual(await again.get(b(5)), b(6));
    await again.close();
  } finally {
    await cleanup();
  }
});
