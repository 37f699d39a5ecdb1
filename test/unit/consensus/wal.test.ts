import test from "ava";
import { appendFileSync, fstatSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openWal, WAL_KEEP_BYTES, type WalRecord } from "../../../chain/consensus/wal.js";
import { consensusErrors } from "../../../chain/consensus/errors.js";

function tmp(t: { teardown(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "strike-wal-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "cs.wal");
}

const rec = (round: number): WalRecord => ({
  height: 5n,
  event: { kind: "timeout", height: 5n, round, step: "propose" },
});

test("records written to the WAL are replayed in order with bigints intact", (t) => {
  const path = tmp(t);
  const { wal } = openWal(path);
  wal.append(rec(0));
  wal.append({
    height: 5n,
    event: {
      kind: "proposalValidated",
      height: 5n,
      blockId: { hash: Uint8Array.of(1, 2), partSetHeader: { total: 1, hash: Uint8Array.of(3) } },
      valid: true,
    },
  });
  wal.close();
  const { records, wal: w2 } = openWal(path);
  w2.close();
  t.is(records.length, 2);
  t.deepEqual(records[0], rec(0));
  const ev = records[1]!.event;
  t.true(ev.kind === "proposalValidated" && ev.blockId.hash instanceof Uint8Array && ev.blockId.hash[1] === 2);
});

test("a torn last record is dropped and cut off, and appends continue after it", (t) => {
  const path = tmp(t);
  const { wal } = openWal(path);
  wal.append(rec(0));
  wal.append(rec(1));
  wal.close();
  const full = readFileSync(path);
  writeFileSync(path, full.subarray(0, full.length - 3));
  const reopened = openWal(path);
  t.deepEqual(reopened.records, [rec(0)]);
  reopened.wal.append(rec(2));
  reopened.wal.close();
  const third = openWal(path);
  third.wal.close();
  t.deepEqual(third.records, [rec(0), rec(2)]);
});

test("a torn header (fewer than 8 bytes) at the end is tolerated", (t) => {
  const path = tmp(t);
  const { wal } = openWal(path);
  wal.append(rec(0));
  wal.close();
  appendFileSync(path, Buffer.from([0, 0, 1]));
  const r = openWal(path);
  r.wal.close();
  t.deepEqual(r.records, [rec(0)]);
  t.is(statSync(path).size, readFileSync(path).length);
});

test("a damaged record before the end is corruption, not a torn write", (t) => {
  const path = tmp(t);
  const { wal } = openWal(path);
  wal.append(rec(0));
  wal.append(rec(1));
  wal.close();
  const bytes = readFileSync(path);
  bytes[10] = bytes[10]! ^ 0xff;
  writeFileSync(path, bytes);
  const e = t.throws(() => openWal(path));
  t.true(consensusErrors.walCorrupted.is(e));
});

test("truncate empties a log past its limit once a height is committed", (t) => {
  const path = tmp(t);
  const { wal } = openWal(path, { keepBytes: 0 });
  wal.append(rec(0));
  wal.truncate();
  wal.append(rec(3));
  wal.close();
  const r = openWal(path);
  r.wal.close();
  t.deepEqual(r.records, [rec(3)]);
});

test("sync resolves once appended records are on disk, and a close meanwhile waits for it", async (t) => {
  const path = tmp(t);
  const { wal } = openWal(path);
  wal.append(rec(0));
  const synced = wal.sync();
  wal.close();
  await synced;
  wal.append(rec(1));
  await wal.sync();
  const r = openWal(path);
  r.wal.close();
  t.deepEqual(r.records, [rec(0)], "nothing is appended after close");
});

test("a small log keeps its dead records until it passes the limit, then is cut at the next committed height", (t) => {
  const path = tmp(t);
  const at = (height: bigint, round: number): WalRecord => ({
    height,
    event: { kind: "timeout", height, round, step: "prevote" },
  });
  const { wal } = openWal(path, { keepBytes: 1_000 });
  wal.append(at(5n, 0));
  wal.truncate();
  wal.append(at(6n, 0));
  const kept = statSync(path).size;
  t.true(kept > 0 && kept <= 1_000, `${kept} bytes: not cut`);
  // Heights pass until the log holds more than 1,000 bytes.
  let h = 7n;
  while (statSync(path).size <= 1_000) wal.append(at(h++, 0));
  wal.truncate();
  t.is(statSync(path).size, 0, "cut once past the limit");
  wal.append(at(h, 1));
  wal.close();
  const r = openWal(path);
  r.wal.close();
  t.deepEqual(r.records, [at(h, 1)]);
});

test("reopened, a log counts what it already holds toward its limit", (t) => {
  const path = tmp(t);
  const first = openWal(path, { keepBytes: 1_000 });
  for (let i = 0; i < 40; i++) first.wal.append(rec(i));
  first.wal.close();
  t.true(statSync(path).size > 1_000);
  const second = openWal(path, { keepBytes: 1_000 });
  second.wal.truncate();
  second.wal.close();
  t.is(statSync(path).size, 0);
  t.true(WAL_KEEP_BYTES >= 64 * 1024, "the default keeps a few idle heights' records");
});

test("a cut's fsync runs off the event loop: truncate returns before it, and the next sync waits for it first", async (t) => {
  const path = tmp(t);
  const calls: string[] = [];
  let finishCut: (() => void) | undefined;
  const { wal } = openWal(path, {
    keepBytes: 0,
    fsyncForTesting: (fd) => {
      calls.push(`fsync ${fd}`);
      if (calls.length === 1) return new Promise<void>((r) => (finishCut = r));
      return Promise.resolve();
    },
  });
  wal.append(rec(0));
  wal.truncate();
  t.is(statSync(path).size, 0, "cut at once");
  t.is(calls.length, 1, "its fsync started");
  wal.append(rec(1));
  let synced = false;
  const sync = wal.sync().then(() => (synced = true));
  await new Promise((r) => setTimeout(r, 20));
  t.false(synced, "a sync does not resolve before the cut is on disk");
  t.is(calls.length, 1, "nor starts its own fsync meanwhile");
  finishCut!();
  await sync;
  t.is(calls.length, 2, "then syncs what was appended after the cut");
  wal.close();
  const r = openWal(path);
  r.wal.close();
  t.deepEqual(r.records, [rec(1)]);
});

test("a cut whose fsync failed makes the next sync fail with that error, once", async (t) => {
  const path = tmp(t);
  let n = 0;
  const { wal } = openWal(path, {
    keepBytes: 0,
    fsyncForTesting: () =>
      ++n === 1
        ? Promise.reject(Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" }))
        : Promise.resolve(),
  });
  wal.append(rec(0));
  wal.truncate();
  wal.append(rec(1));
  // The kernel reports a writeback error to one fsync only: the vote this sync guards must not go out.
  await t.throwsAsync(wal.sync(), { message: /EIO/ });
  await t.notThrowsAsync(wal.sync(), "reported once; the next fsync is judged on its own");
  wal.close();
});

test("a close while a sync waits for the cut keeps the descriptor open until that sync's own fsync", async (t) => {
  const path = tmp(t);
  const fds: number[] = [];
  let finishCut: (() => void) | undefined;
  const { wal } = openWal(path, {
    keepBytes: 0,
    fsyncForTesting: (fd) => {
      // fstat throws EBADF on a closed descriptor: each fsync must see it open.
      fstatSync(fd);
      fds.push(fd);
      return fds.length === 1 ? new Promise<void>((r) => (finishCut = r)) : Promise.resolve();
    },
  });
  wal.append(rec(0));
  wal.truncate();
  wal.append(rec(1));
  const sync = wal.sync();
  wal.close();
  finishCut!();
  await t.notThrowsAsync(sync);
  t.is(fds.length, 2, "the sync's fsync ran, on the log's descriptor");
  const r = openWal(path);
  r.wal.close();
  t.deepEqual(r.records, [rec(1)]);
});
