/**
 * Mempool re-checks from records (chain/runtime/anteReplay.ts): a re-check that makes the
 * writes of the tx's last ante again must answer, keep and leave behind exactly what running
 * the ante again does. Two apps take the same txs and blocks, one re-checking from records
 * and one always running the ante; every answer, every mempool and every block must agree.
 */
import test from "ava";
import { createMempool, type Mempool } from "../../../chain/mempool/mempool.js";
import { anteRecord, replayAnte } from "../../../chain/runtime/anteReplay.js";
import { MemoryKV } from "../../../chain/store/memoryKv.js";
import { toHex, utf8 } from "../../../chain/types/bytes.js";
import type { TxResult } from "../../../chain/types/abci.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { account, createFixture, runBlock, sendMsg, signTx, type Fixture, type TestAccount } from "./fixture.js";

function answer(r: TxResult): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/** A fixture's app behind a mempool, with every re-check's answer logged. */
function world(f: Fixture): { f: Fixture; mempool: Mempool; rechecks: string[] } {
  const rechecks: string[] = [];
  const mempool = createMempool({
    app: {
      checkTx(tx, kind) {
        const r = f.app.checkTx(tx, kind);
        // Its gas used aside: a re-check from a record may count the fee collector's balance
        // a digit shorter or longer than a fresh ante would (anteReplay.ts); the mempool reads the code.
        if (kind === "recheck") rechecks.push(`${toHex(sha256(tx)).slice(0, 8)} ${answer({ ...r, gasUsed: 0n })}`);
        return r;
      },
    },
    maxTxs: 10_000,
    maxBytes: 1 << 26,
    maxTxBytes: 1 << 20,
  });
  return { f, mempool, rechecks };
}

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

test("re-checks from records answer, keep and leave the check state as running the ante does", async (t) => {
  const ACCOUNTS = 6;
  // Little ustrike: sends and fees drain accounts, so fees fail at re-check now and then.
  const opts = { accounts: ACCOUNTS, balance: 120_000n };
  const replay = world(await createFixture(opts));
  const full = world(await createFixture({ ...opts, replayRechecks: false }));
  const worlds = [replay, full];
  const accounts = replay.f.accounts as TestAccount[];
  const rand = prng(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  /** Mempool txs by hash (hex): their signer's index. */
  const signerOf = new Map<string, number>();
  const committedSequence = async (i: number) => (await account(replay.f, accounts[i]!.address))!.sequence;
  const nextSequence = async (i: number) =>
    (await committedSequence(i)) +
    BigInt(replay.mempool.txs(10_000).filter((tx) => signerOf.get(toHex(sha256(tx))) === i).length);
  const randomSend = async (i: number, sequence: bigint, o: { timeoutHeight?: bigint; drain?: boolean } = {}) => {
    const from = accounts[i]!;
    const to = pick(accounts);
    const amount = o.drain
      ? [{ denom: "ustrike", amount: String(40_000 + Math.floor(rand() * 60_000)) }]
      : [{ denom: rand() < 0.5 ? "uusdc" : "ustrike", amount: String(1 + Math.floor(rand() * 3_000)) }];
    const fee = { amount: [{ denom: "ustrike", amount: pick(["5000", "5000", "7500", "12000"]) }], gas: 200_000 };
    return signTx(from, {
      msgs: [sendMsg(from.address, to.address, amount)],
      sequence,
      fee,
      ...(o.timeoutHeight === undefined ? {} : { timeoutHeight: o.timeoutHeight }),
    });
  };

  for (let step = 0; step < 40; step++) {
    // New txs: mostly next in sequence, some early or stale, some with a timeout height.
    const n = Math.floor(rand() * 9);
    for (let k = 0; k < n; k++) {
      const i = Math.floor(rand() * ACCOUNTS);
      const r = rand();
      const next = await nextSequence(i);
      const sequence = r < 0.08 ? next + 1n : r < 0.14 && next > 0n ? next - 1n : next;
      const timeoutHeight = rand() < 0.15 ? replay.f.height + 1n + BigInt(Math.floor(rand() * 2)) : undefined;
      const tx = await randomSend(i, sequence, timeoutHeight === undefined ? {} : { timeoutHeight });
      const answers = worlds.map((w) => answer(w.mempool.checkAndAdd(tx)));
      t.is(answers[0], answers[1], `CheckTx at step ${step}`);
      if (JSON.parse(answers[0]!).code === 0) signerOf.set(toHex(sha256(tx)), i);
    }
    // A block: a prefix of the mempool, sometimes after a tx that takes an account's next
    // committed sequence (its mempool txs then fail their re-check), or drains its ustrike.
    const held = replay.mempool.reap(1 << 26);
    t.deepEqual(full.mempool.reap(1 << 26).map(toHex), held.map(toHex), `mempools at step ${step}`);
    const txs = held.slice(0, Math.floor(rand() * (held.length + 1)));
    if (rand() < 0.35) {
      const i = Math.floor(rand() * ACCOUNTS);
      const intruder = await randomSend(i, await committedSequence(i), { drain: rand() < 0.5 });
      // First in the block: a mempool tx of the same sequence after it fails there.
      txs.unshift(intruder);
    }
    const results = [];
    for (const w of worlds) {
      w.rechecks.length = 0;
      const res = await runBlock(w.f, txs);
      w.mempool.update(txs);
      results.push(answer({ ...res.txResults, appHash: toHex(res.appHash) } as unknown as TxResult));
    }
    t.is(results[0], results[1], `block at step ${step}`);
    t.deepEqual(replay.rechecks, full.rechecks, `re-check answers after step ${step}`);
  }
  // Both ways were taken, and the comparison meant something.
  const r = replay.f.app.reuse;
  t.true(r.recheckReplayed > 50, JSON.stringify(r));
  t.true(r.recheckExecuted > 5, JSON.stringify(r));
  t.is(full.f.app.reuse.recheckReplayed, 0);
  t.log(JSON.stringify(r));
});

test("replayAnte makes the writes only when every read holds what it held, and credits the fee on what is there within the gas limit", (t) => {
  const db = new MemoryKV();
  const account = utf8("acc/a");
  const params = utf8("params");
  const collector = utf8("bal/fee");
  const amountOf = (b: Uint8Array | undefined) => (b === undefined ? 0n : BigInt(new TextDecoder().decode(b)));
  const value = (n: bigint) => utf8(n.toString());
  const feeCredit = (key: Uint8Array, v: Uint8Array | undefined, before: Uint8Array | undefined) =>
    toHex(key) === toHex(collector) ? amountOf(v) - amountOf(before) : undefined;
  const record = anteRecord(
    [
      [account, utf8("seq=4")],
      [params, utf8("p1")],
      [collector, value(100n)],
    ],
    [
      [account, utf8("seq=5"), utf8("seq=4")],
      [collector, value(150n), value(100n)],
    ],
    { code: 0, gasUsed: 50_000n, gasWanted: 200_000n } as TxResult,
    feeCredit,
  );
  t.is(record.reads.length, 2, "the collector's balance is not compared");
  const credit = (held: Uint8Array | undefined, n: bigint) => value(amountOf(held) + n);

  db.set(account, utf8("seq=4"));
  db.set(params, utf8("p1"));
  db.set(collector, value(700n));
  t.true(replayAnte(record, db, credit));
  t.deepEqual(db.get(account), utf8("seq=5"));
  t.deepEqual(db.get(collector), value(750n), "credited on what was there");

  // A read that changed (the params): nothing is written.
  db.set(account, utf8("seq=4"));
  db.set(params, utf8("p2"));
  t.false(replayAnte(record, db, credit));
  t.deepEqual(db.get(account), utf8("seq=4"));
  t.deepEqual(db.get(collector), value(750n));

  // The collector's balance a digit longer costs the ante a little more gas: within its limit, the record stands.
  db.set(params, utf8("p1"));
  db.set(collector, value(1000n));
  t.true(replayAnte(record, db, credit));
  t.deepEqual(db.get(account), utf8("seq=5"));
  t.deepEqual(db.get(collector), value(1050n));
  // Past its limit (a tx that left itself no gas to spare): the ante must run.
  const tight = anteRecord(
    [[account, utf8("seq=4")]],
    [
      [account, utf8("seq=5"), utf8("seq=4")],
      [collector, value(150n), value(100n)],
    ],
    { code: 0, gasUsed: 50_000n, gasWanted: 50_100n } as TxResult,
    feeCredit,
  );
  db.set(account, utf8("seq=4"));
  db.set(collector, value(700n));
  t.true(replayAnte(tight, db, credit), "the same lengths: no more gas");
  t.deepEqual(db.get(collector), value(750n));
  db.set(account, utf8("seq=4"));
  db.set(collector, value(99_950n));
  t.false(replayAnte(tight, db, credit), "a longer balance would cost gas it does not have");
  t.deepEqual(db.get(account), utf8("seq=4"));
  t.deepEqual(db.get(collector), value(99_950n));

  // A key the ante found absent must still be absent.
  const absent = anteRecord([[utf8("new"), undefined]], [], { code: 0 } as TxResult, feeCredit);
  db.set(utf8("new"), utf8("x"));
  t.false(replayAnte(absent, db, credit));
});
