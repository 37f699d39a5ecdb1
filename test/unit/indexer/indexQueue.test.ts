import test from "ava";
import { sha256 } from "../../../chain/crypto/hash.js";
import { startTxIndexing } from "../../../chain/indexer/indexQueue.js";
import { POSTINGS, TX_BY_HASH } from "../../../chain/indexer/keys.js";
import { openTxIndexer } from "../../../chain/indexer/txIndexer.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import type { BlockStoreReader, Database } from "../../../chain/store/types.js";
import type { TxResult } from "../../../chain/types/abci.js";
import type { Block } from "../../../chain/types/block.js";
import { utf8 } from "../../../chain/types/bytes.js";

function result(sender: string, amount: string): TxResult {
  return {
    code: 0,
    codespace: "",
    log: "",
    info: "",
    data: new Uint8Array(0),
    gasWanted: 1n,
    gasUsed: 1n,
    events: [
      {
        type: "message",
        attributes: [
          { key: "sender", value: sender, index: true },
          { key: "action", value: "/cosmos.bank.v1beta1.MsgSend", index: true },
        ],
      },
      { type: "transfer", attributes: [{ key: "amount", value: amount, index: true }] },
    ],
  };
}

/** Block h holds txs "b{h}t0..2": sender alice for even index, bob for odd. */
function blockData(h: bigint): { txs: Uint8Array[]; results: TxResult[] } {
  return {
    txs: [0, 1, 2].map((i) => utf8(`b${h}t${i}`)),
    results: [0, 1, 2].map((i) => result(i % 2 === 0 ? "alice" : "bob", `${Number(h) * 10 + i}stake`)),
  };
}

/** A block store holding heights base..height of blockData. */
function blockStore(height: bigint, base = 1n): BlockStoreReader & { height: bigint } {
  const store = {
    base,
    height,
    loadBlock: async (h: bigint) =>
      h >= store.base && h <= store.height ? ({ txs: blockData(h).txs } as unknown as Block) : undefined,
    loadBlockResults: async (h: bigint) =>
      h >= store.base && h <= store.height ? { txResults: blockData(h).results } : undefined,
  };
  return store as unknown as BlockStoreReader & { height: bigint };
}

async function keysWithPrefix(db: Database, prefix: number): Promise<number> {
  let n = 0;
  for await (const _ of db.iterate({ start: Uint8Array.of(prefix), end: Uint8Array.of(prefix + 1) })) n++;
  return n;
}

const all = { page: 1, perPage: 100, orderBy: "asc" as const };

test("a committed block is found by tx and tx_search at once, though it is indexed after its commit", async (t) => {
  const db = createMemoryDatabase();
  const blocks = blockStore(0n);
  const index = startTxIndexing({ db, indexer: await openTxIndexer(db), blocks });
  for (let h = 1n; h <= 3n; h++) {
    // The block store saves the block, then the node hands it to the index.
    blocks.height = h;
    const { txs, results } = blockData(h);
    index.committed(h, txs, results);
    const found = await index.getByHash(sha256(utf8(`b${h}t1`)));
    t.is(found?.height, h);
    t.is((await index.search(`tx.height = ${h}`, all)).totalCount, 3);
  }
  t.is((await index.search("message.sender = 'alice'", all)).totalCount, 6);
  t.is(index.height, 3n);
  await index.close();
});

test("an index behind the block store (a crash between a block and its index) catches up from stored blocks", async (t) => {
  const db = createMemoryDatabase();
  const first = await openTxIndexer(db);
  for (const h of [1n, 2n]) {
    const batch = db.batch();
    first.index(batch, h, blockData(h).txs, blockData(h).results);
    await batch.write();
  }
  // Blocks 3..5 were committed, their index never written: the node restarts.
  const index = startTxIndexing({ db, indexer: await openTxIndexer(db), blocks: blockStore(5n) });
  const r = await index.search("message.sender = 'bob'", all);
  t.deepEqual(
    r.txs.map((x) => new TextDecoder().decode(x.tx)),
    ["b1t1", "b2t1", "b3t1", "b4t1", "b5t1"],
  );
  t.is(index.height, 5n);
  await index.close();
  t.is((await openTxIndexer(db)).height, 5n, "the height reached is stored with the entries");
});

test("an index in the earlier per-tx layout is dropped and rebuilt from the block store", async (t) => {
  const db = createMemoryDatabase();
  const legacy = db.batch();
  legacy.put(Uint8Array.of(0x21, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0), sha256(utf8("b1t0")));
  legacy.put(Uint8Array.of(0x22, 0, 1, 0x61, 0, 0, 0, 1, 0x62), sha256(utf8("b1t0")));
  await legacy.write();
  const index = startTxIndexing({ db, indexer: await openTxIndexer(db), blocks: blockStore(2n) });
  t.is((await index.search("transfer.amount >= 11", all)).totalCount, 5);
  t.is(await keysWithPrefix(db, 0x21), 0);
  t.is(await keysWithPrefix(db, 0x22), 0);
  await index.close();
});

test("heights the block store has pruned are skipped, the rest indexed", async (t) => {
  const db = createMemoryDatabase();
  const index = startTxIndexing({ db, indexer: await openTxIndexer(db), blocks: blockStore(4n, 3n) });
  t.is((await index.search("tx.height >= 1", all)).totalCount, 6);
  t.is(index.height, 4n);
  await index.close();
});

test("a block writes one posting list per distinct attribute value, not one entry per tx and attribute", async (t) => {
  const db = createMemoryDatabase();
  const indexer = await openTxIndexer(db);
  const batch = db.batch();
  indexer.index(batch, 1n, blockData(1n).txs, blockData(1n).results);
  await batch.write();
  t.is(await keysWithPrefix(db, TX_BY_HASH), 3);
  // message.sender: alice, bob; message.action: one value; transfer.amount: three values.
  t.is(await keysWithPrefix(db, POSTINGS), 6);
});

test("the index follows the block store's pruning: once its base moves, the next block takes the txs below it out", async (t) => {
  const db = createMemoryDatabase();
  const blocks = blockStore(0n);
  const index = startTxIndexing({ db, indexer: await openTxIndexer(db), blocks });
  for (let h = 1n; h <= 5n; h++) {
    blocks.height = h;
    index.committed(h, blockData(h).txs, blockData(h).results);
    await index.caughtUp();
  }
  t.is((await index.search("tx.height >= 1", all)).totalCount, 15);
  // The node pruned heights 1..3 (min-retain-blocks), then committed height 6.
  (blocks as { base: bigint }).base = 4n;
  blocks.height = 6n;
  index.committed(6n, blockData(6n).txs, blockData(6n).results);
  // Readers wait for the pruning that follows the block's index too.
  await index.caughtUp();
  t.is(index.base, 4n);
  t.is((await index.search("tx.height >= 1", all)).totalCount, 9);
  t.is(await index.getByHash(sha256(utf8("b3t1"))), undefined);
  t.is((await index.getByHash(sha256(utf8("b4t1"))))?.height, 4n);
  t.is(await keysWithPrefix(db, TX_BY_HASH), 9);
  await index.close();
});

test("an index far above the block store's base catches up on pruning a bounded number of heights per block", async (t) => {
  const db = createMemoryDatabase();
  const blocks = blockStore(0n);
  const index = startTxIndexing({ db, indexer: await openTxIndexer(db), blocks });
  for (let h = 1n; h <= 100n; h++) {
    blocks.height = h;
    index.committed(h, blockData(h).txs, blockData(h).results);
  }
  await index.caughtUp();
  // Retention turned on after 100 blocks: the block store dropped all but the last.
  (blocks as { base: bigint }).base = 100n;
  blocks.height = 101n;
  index.committed(101n, blockData(101n).txs, blockData(101n).results);
  await index.caughtUp();
  // From base 1 (the first height kept before), 64 heights after one block.
  t.is(index.base, 65n);
  blocks.height = 102n;
  index.committed(102n, blockData(102n).txs, blockData(102n).results);
  await index.caughtUp();
  t.is(index.base, 100n);
  t.is((await index.search("tx.height >= 1", all)).totalCount, 9);
  await index.close();
});

test("a large block is indexed over several turns of the event loop, and is found whole once written", async (t) => {
  const db = createMemoryDatabase();
  const n = 1_000;
  const txs = Array.from({ length: n }, (_, i) => utf8(`big-t${i}`));
  const results = txs.map((_, i) => result(i % 2 === 0 ? "alice" : "bob", `${i}stake`));
  const blocks = {
    base: 1n,
    height: 0n,
    loadBlock: async () => ({ txs }) as unknown as Block,
    loadBlockResults: async () => ({ txResults: results }),
  } as unknown as BlockStoreReader & { height: bigint };
  const index = startTxIndexing({ db, indexer: await openTxIndexer(db), blocks });
  // Counts the turns other work gets while the block is indexed.
  let turns = 0;
  let counting = true;
  const tick = () => {
    if (!counting) return;
    turns++;
    setImmediate(tick);
  };
  blocks.height = 1n;
  index.committed(1n, txs, results);
  setImmediate(tick);
  const found = await index.getByHash(sha256(utf8(`big-t${n - 1}`)));
  counting = false;
  t.is(found?.height, 1n);
  t.is(found?.index, n - 1);
  t.is((await index.search("message.sender = 'bob'", all)).totalCount, n / 2);
  t.true(turns >= 5, `${turns} turns of other work while a ${n}-tx block was indexed`);
  await index.close();
});
