import test from "ava";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { openTxIndexer } from "../../../chain/indexer/txIndexer.js";
import type { TxIndexer } from "../../../chain/indexer/types.js";
import type { Database } from "../../../chain/store/types.js";
import type { TxResult } from "../../../chain/types/abci.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { toHex, utf8 } from "../../../chain/types/bytes.js";

function result(sender: string, amount: string, secret = "s"): TxResult {
  return {
    code: 0,
    codespace: "",
    log: "",
    info: "",
    data: Uint8Array.of(1, 2),
    gasWanted: 200000n,
    gasUsed: 51234n,
    events: [
      {
        type: "message",
        attributes: [
          { key: "sender", value: sender, index: true },
          { key: "action", value: "/cosmos.bank.v1beta1.MsgSend", index: true },
        ],
      },
      {
        type: "transfer",
        attributes: [
          { key: "amount", value: amount, index: true },
          { key: "memo", value: secret, index: false },
        ],
      },
    ],
  };
}

/** Blocks `from`..5 of 3 txs: tx "b{h}t{i}", sender alice for even i, bob for odd; amount h*10+i. */
async function fixture(from = 1n): Promise<{ db: Database; indexer: TxIndexer }> {
  const db = createMemoryDatabase();
  const indexer = await openTxIndexer(db);
  for (let h = from; h <= 5n; h++) {
    const batch = db.batch();
    const txs = [0, 1, 2].map((i) => utf8(`b${h}t${i}`));
    indexer.index(
      batch,
      h,
      txs,
      [0, 1, 2].map((i) => result(i % 2 === 0 ? "alice" : "bob", `${Number(h) * 10 + i}stake`)),
    );
    await batch.write();
  }
  return { db, indexer };
}

const page = (p: number, perPage: number, orderBy: "asc" | "desc" = "asc") => ({ page: p, perPage, orderBy });
const names = (txs: { tx: Uint8Array }[]) => txs.map((x) => new TextDecoder().decode(x.tx));

test("a tx is found by its hash with its height, index and full result", async (t) => {
  const { indexer } = await fixture();
  const got = await indexer.getByHash(sha256(utf8("b3t1")));
  t.is(got?.height, 3n);
  t.is(got?.index, 1);
  t.deepEqual(got?.result, result("bob", "31stake"));
  t.is(await indexer.getByHash(sha256(utf8("nope"))), undefined);
});

test("index keys stay inside the indexer's prefix range 0x20..0x2f", async (t) => {
  const { db } = await fixture();
  let n = 0;
  for await (const [key] of db.iterate({})) {
    n++;
    t.true(key[0]! >= 0x20 && key[0]! <= 0x2f);
  }
  t.true(n > 0);
});

test("search paginates with an exact total_count in ascending and descending order", async (t) => {
  const { indexer } = await fixture();
  const first = await indexer.search("message.sender = 'alice'", page(1, 4));
  t.is(first.totalCount, 10);
  t.deepEqual(names(first.txs), ["b1t0", "b1t2", "b2t0", "b2t2"]);
  const last = await indexer.search("message.sender = 'alice'", page(3, 4));
  t.deepEqual(names(last.txs), ["b5t0", "b5t2"]);
  const desc = await indexer.search("message.sender = 'alice'", page(1, 3, "desc"));
  t.deepEqual(names(desc.txs), ["b5t2", "b5t0", "b4t2"]);
  t.is(desc.totalCount, 10);
});

test("tx.height supports equality and ranges", async (t) => {
  const { indexer } = await fixture();
  t.deepEqual(names((await indexer.search("tx.height = 2", page(1, 30))).txs), ["b2t0", "b2t1", "b2t2"]);
  const range = await indexer.search("tx.height > 2 AND tx.height <= 4", page(1, 30));
  t.is(range.totalCount, 6);
  t.deepEqual(names(range.txs), ["b3t0", "b3t1", "b3t2", "b4t0", "b4t1", "b4t2"]);
});

test("conditions intersect, including numeric ranges on attribute values", async (t) => {
  const { indexer } = await fixture();
  const r = await indexer.search("message.sender = 'bob' AND transfer.amount >= 21 AND tx.height < 5", page(1, 30));
  t.deepEqual(names(r.txs), ["b2t1", "b3t1", "b4t1"]);
  t.is(r.totalCount, 3);
});

test("tx.hash finds exactly one tx, in upper or lower case hex", async (t) => {
  const { indexer } = await fixture();
  const hex = toHex(sha256(utf8("b4t2")));
  t.deepEqual(names((await indexer.search(`tx.hash = '${hex.toUpperCase()}'`, page(1, 30))).txs), ["b4t2"]);
  t.deepEqual(names((await indexer.search(`tx.hash='${hex}' AND tx.height=4`, page(1, 30))).txs), ["b4t2"]);
  t.is((await indexer.search(`tx.hash='${hex}' AND tx.height=3`, page(1, 30))).totalCount, 0);
});

test("attributes not marked index are not searchable", async (t) => {
  const { indexer } = await fixture();
  t.is((await indexer.search("transfer.memo = 's'", page(1, 30))).totalCount, 0);
  t.is((await indexer.search("transfer.memo EXISTS", page(1, 30))).totalCount, 0);
  t.is((await indexer.search("message.action EXISTS", page(1, 30))).totalCount, 15);
});

test("tm.event = 'Tx' filters nothing in tx_search", async (t) => {
  const { indexer } = await fixture();
  t.is((await indexer.search("tm.event = 'Tx' AND tx.height = 1", page(1, 30))).totalCount, 3);
});

test("a page past the end is empty but still reports the total", async (t) => {
  const { indexer } = await fixture();
  const r = await indexer.search("tx.height >= 1", page(9, 30));
  t.deepEqual(r.txs, []);
  t.is(r.totalCount, 15);
});

/** Every index key but the two height marks (0x25, 0x26), hex. */
async function entryKeys(db: Database): Promise<string[]> {
  const keys: string[] = [];
  for await (const [k] of db.iterate({ start: Uint8Array.of(0x20), end: Uint8Array.of(0x25) })) keys.push(toHex(k));
  return keys;
}

test("pruning below a height deletes its txs' records, lists and posting lists; the rest answer as before", async (t) => {
  const { db, indexer } = await fixture();
  // What heights 3..5 alone leave: the same blocks indexed into an empty index.
  const { db: only } = await fixture(3n);

  await indexer.pruneBelow(3n);
  t.is(indexer.base, 3n);
  t.deepEqual(await entryKeys(db), await entryKeys(only));
  t.is(await indexer.getByHash(sha256(utf8("b2t1"))), undefined);
  t.is((await indexer.getByHash(sha256(utf8("b3t1"))))?.height, 3n);
  const alice = await indexer.search("message.sender = 'alice'", page(1, 30));
  t.deepEqual(names(alice.txs), ["b3t0", "b3t2", "b4t0", "b4t2", "b5t0", "b5t2"]);
  t.is(alice.totalCount, 6);
  t.is((await indexer.search("transfer.amount = '11stake'", page(1, 30))).totalCount, 0);
  t.is((await openTxIndexer(db)).base, 3n, "the base is stored with the deletes");
});

test("a tx committed again at a later height keeps its record when the earlier height is pruned", async (t) => {
  const db = createMemoryDatabase();
  const indexer = await openTxIndexer(db);
  const tx = utf8("same bytes");
  for (const h of [1n, 2n]) {
    const batch = db.batch();
    indexer.index(batch, h, [tx], [result("alice", `${h}stake`)]);
    await batch.write();
  }
  await indexer.pruneBelow(2n);
  t.is((await indexer.getByHash(sha256(tx)))?.height, 2n);
  t.deepEqual(names((await indexer.search("message.sender = 'alice'", page(1, 30))).txs), ["same bytes"]);
});

test("a block indexed in slices writes exactly the keys and values of one indexed at once, yielding between slices", async (t) => {
  const txs = Array.from({ length: 10 }, (_, i) => utf8(`slice-t${i}`));
  // Values shared across slices (alice, bob) must still land in one posting list per height.
  const results = txs.map((_, i) => result(i % 2 === 0 ? "alice" : "bob", `${i}stake`));
  const dump = async (db: Database) => {
    const out: string[] = [];
    for await (const [k, v] of db.iterate({})) out.push(`${toHex(k)}=${toHex(v)}`);
    return out;
  };
  const whole = createMemoryDatabase();
  const wholeIndexer = await openTxIndexer(whole);
  const batch = whole.batch();
  wholeIndexer.index(batch, 7n, txs, results);
  await batch.write();

  for (const sliceTxs of [1, 3, 10, 64]) {
    const db = createMemoryDatabase();
    const indexer = await openTxIndexer(db);
    const sliced = db.batch();
    let yields = 0;
    for (const _ of indexer.indexInSlices(sliced, 7n, txs, results, sliceTxs)) yields++;
    await sliced.write();
    t.is(yields, Math.ceil(txs.length / sliceTxs) - 1, `slices of ${sliceTxs}`);
    t.deepEqual(await dump(db), await dump(whole), `slices of ${sliceTxs}`);
    t.is(indexer.height, 7n);
    t.deepEqual(names((await indexer.search("message.sender = 'bob'", page(1, 10))).txs), [
      "slice-t1",
      "slice-t3",
      "slice-t5",
      "slice-t7",
      "slice-t9",
    ]);
  }
});
