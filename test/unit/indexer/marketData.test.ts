import test from "ava";
import {
  encodeTapeHeight,
  openMarketData,
  tapeHeightTradeKeys,
  tradesOf,
  type TapeTrade,
} from "../../../chain/indexer/marketData.js";
import { createMarketFeed, diffLevels, type BookLevels, type FeedMessage } from "../../../chain/indexer/marketFeed.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import type { BlockStoreReader, Database } from "../../../chain/store/types.js";
import type { AbciEvent, FinalizeBlockResponse } from "../../../chain/types/abci.js";
import type { Block } from "../../../chain/types/block.js";

let seq = 0;
function trade(market: string, price: bigint, size: bigint): AbciEvent {
  seq += 1;
  const a = (key: string, value: string) => ({ key, value, index: true });
  return {
    type: "trade",
    attributes: [
      a("market", market),
      a("seq", String(seq)),
      a("price", price.toString()),
      a("size", size.toString()),
      a("taker_side", "buy"),
      a("maker", "strike1maker"),
      a("taker", "strike1taker"),
      a("liquidation", "false"),
    ],
  };
}

function results(txEvents: AbciEvent[], blockEvents: AbciEvent[] = [], code = 0): FinalizeBlockResponse {
  const tx = { code, codespace: "", log: "", info: "", data: new Uint8Array(), gasWanted: 0n, gasUsed: 0n };
  return {
    events: blockEvents,
    txResults: [{ ...tx, events: txEvents }],
    validatorUpdates: [],
    appHash: new Uint8Array(),
  };
}

async function indexBlock(
  db: Database,
  md: Awaited<ReturnType<typeof openMarketData>>,
  h: bigint,
  t: bigint,
  r: FinalizeBlockResponse,
) {
  const batch = db.batch();
  const update = md.index(batch, h, t, r);
  await batch.write();
  return update;
}

test("candles are OHLCV of the trades in each bucket of block time", async (t) => {
  const db = createMemoryDatabase();
  const md = await openMarketData({ db });
  // 1m buckets: [600, 660) gets 3 trades in two blocks, [660, 720) one.
  await indexBlock(db, md, 1n, 600n, results([trade("ETH-PERP", 3000n, 2n), trade("ETH-PERP", 3010n, 1n)]));
  await indexBlock(db, md, 2n, 659n, results([trade("ETH-PERP", 2990n, 5n)]));
  await indexBlock(db, md, 3n, 660n, results([trade("ETH-PERP", 3005n, 1n), trade("BTC-PERP", 60000n, 1n)]));
  const m1 = await md.candles("ETH-PERP", "1m", 10);
  t.deepEqual(
    m1.map((c) => [c.open_time, c.open, c.high, c.low, c.close, c.volume, c.trades]),
    [
      ["600", "3000", "3010", "2990", "2990", "8", 3],
      ["660", "3005", "3005", "3005", "3005", "1", 1],
    ],
  );
  const h1 = await md.candles("ETH-PERP", "1h", 10);
  t.deepEqual(
    h1.map((c) => [c.open_time, c.open, c.high, c.low, c.close, c.volume, c.trades]),
    [["0", "3000", "3010", "2990", "3005", "9", 4]],
  );
  t.is((await md.candles("BTC-PERP", "1m", 10)).length, 1);
  t.deepEqual(
    (await md.candles("ETH-PERP", "1m", 1)).map((c) => c.open_time),
    ["660"],
    "limit keeps the latest",
  );
  t.deepEqual(
    (await md.trades("ETH-PERP", 2)).map((x) => x.price),
    ["3005", "2990"],
    "tape is newest first",
  );
});

test("trades of failed txs are not market data; block-level trades (liquidations) are", async (t) => {
  const db = createMemoryDatabase();
  const md = await openMarketData({ db });
  await indexBlock(db, md, 1n, 60n, results([trade("ETH-PERP", 1n, 1n)], [], 5));
  t.is((await md.trades("ETH-PERP", 10)).length, 0);
  await indexBlock(db, md, 2n, 60n, results([], [trade("ETH-PERP", 7n, 1n)]));
  t.deepEqual(
    (await md.trades("ETH-PERP", 10)).map((x) => x.price),
    ["7"],
  );
});

test("a malformed trade event is skipped, not indexed", (t) => {
  const bad: AbciEvent = {
    type: "trade",
    attributes: [
      { key: "market", value: "ETH-PERP", index: true },
      { key: "price", value: "-1", index: true },
    ],
  };
  t.is(tradesOf(1n, 1n, results([bad])).length, 0);
});

test("the index survives a reopen and does not count a height twice", async (t) => {
  const db = createMemoryDatabase();
  const md = await openMarketData({ db });
  await indexBlock(db, md, 1n, 120n, results([trade("ETH-PERP", 100n, 1n)]));
  const again = await openMarketData({ db });
  t.is(again.height, 1n);
  const replay = await indexBlock(db, again, 1n, 120n, results([trade("ETH-PERP", 100n, 1n)]));
  t.is(replay.trades.length, 0);
  await indexBlock(db, again, 2n, 121n, results([trade("ETH-PERP", 90n, 3n)]));
  const [c] = await again.candles("ETH-PERP", "1m", 5);
  t.deepEqual([c?.open, c?.low, c?.close, c?.volume, c?.trades], ["100", "90", "90", "4", 2]);
});

test("an index behind the block store is rebuilt from stored block results", async (t) => {
  const stored = new Map<bigint, { time: bigint; r: FinalizeBlockResponse }>([
    [1n, { time: 60n, r: results([trade("ETH-PERP", 10n, 1n)]) }],
    [2n, { time: 61n, r: results([trade("ETH-PERP", 12n, 2n)]) }],
  ]);
  const blocks = {
    base: 1n,
    height: 2n,
    loadBlock: async (h: bigint) =>
      ({ header: { time: { seconds: stored.get(h)!.time, nanos: 0 } } }) as unknown as Block,
    loadBlockResults: async (h: bigint) => stored.get(h)?.r,
  } as unknown as BlockStoreReader;
  const db = createMemoryDatabase();
  const md = await openMarketData({ db, blocks });
  t.is(md.height, 2n);
  const [c] = await md.candles("ETH-PERP", "1m", 5);
  t.deepEqual([c?.open, c?.high, c?.close, c?.volume], ["10", "12", "12", "3"]);
});

/** Every key of the database under one prefix byte. */
async function keysUnder(db: Database, prefix: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const [k] of db.iterate({ start: Uint8Array.of(prefix), end: Uint8Array.of(prefix + 1) })) out.push(k);
  return out;
}

const heightsOf = (trades: TapeTrade[]) => [...new Set(trades.map((x) => x.height))].sort();

test("the tape keeps the trades of the heights above the pruned ones; candles stay; a reopened index goes on", async (t) => {
  const db = createMemoryDatabase();
  const md = await openMarketData({ db });
  for (let h = 1n; h <= 6n; h++) {
    // Height 3 has no trade; the others one or two per market.
    const events = h === 3n ? [] : [trade("ETH-PERP", 3000n + h, 1n), trade("BTC-PERP", 60000n, h)];
    if (h % 2n === 0n) events.push(trade("ETH-PERP", 2990n, 2n));
    await indexBlock(db, md, h, 600n + h, results(events));
  }
  const candlesBefore = await md.candles("ETH-PERP", "1m", 10);
  const tradeKeysBefore = (await keysUnder(db, 0x2c)).length;
  t.is(tradeKeysBefore, 13);

  await md.pruneBelow(4n);
  t.deepEqual(heightsOf(await md.trades("ETH-PERP", 100)), ["4", "5", "6"]);
  t.deepEqual(heightsOf(await md.trades("BTC-PERP", 100)), ["4", "5", "6"]);
  // Exactly the pruned heights' trades went (1: 2, 2: 3, 3: none), with their height entries.
  t.is((await keysUnder(db, 0x2c)).length, tradeKeysBefore - 5);
  t.deepEqual(
    (await keysUnder(db, 0x2b)).map((k) => k[8]),
    [4, 5, 6],
  );
  t.deepEqual(await md.candles("ETH-PERP", "1m", 10), candlesBefore);
  // Asking again for less does nothing.
  await md.pruneBelow(2n);
  t.is((await keysUnder(db, 0x2c)).length, tradeKeysBefore - 5);

  const reopened = await openMarketData({ db });
  await reopened.pruneBelow(6n);
  t.deepEqual(heightsOf(await reopened.trades("ETH-PERP", 100)), ["6"]);
  t.deepEqual(heightsOf(await reopened.trades("BTC-PERP", 100)), ["6"]);
  t.is((await keysUnder(db, 0x2c)).length, 3);
  // New heights are indexed and kept as before.
  await indexBlock(db, reopened, 7n, 700n, results([trade("ETH-PERP", 3100n, 1n)]));
  t.deepEqual(heightsOf(await reopened.trades("ETH-PERP", 100)), ["6", "7"]);
});

test("a large prune goes in batches of whole heights, while new heights are indexed", async (t) => {
  const db = createMemoryDatabase();
  let writes = 0;
  /** After each pruning batch: the heights still on the tape. */
  const remaining: string[][] = [];
  const counting: Database = {
    ...db,
    batch() {
      const b = db.batch();
      return {
        ...b,
        put: (k, v) => b.put(k, v),
        del: (k) => b.del(k),
        get length() {
          return b.length;
        },
        async write() {
          await b.write();
          writes++;
        },
      };
    },
  };
  const md = await openMarketData({ db: counting });
  for (let h = 1n; h <= 5n; h++) {
    const events = Array.from({ length: 2000 }, (_, i) => trade("ETH-PERP", 3000n + BigInt(i % 7), 1n));
    await indexBlock(counting, md, h, 600n, results(events));
  }
  const before = writes;
  const pruned = md.pruneBelow(5n);
  // Heights committed meanwhile are untouched.
  await indexBlock(counting, md, 6n, 601n, results([trade("ETH-PERP", 3000n, 1n)]));
  let done = false;
  const watch = (async () => {
    while (!done) {
      remaining.push(heightsOf(await md.trades("ETH-PERP", 20_000)));
      await new Promise((r) => setImmediate(r));
    }
  })();
  await pruned;
  done = true;
  await watch;
  t.deepEqual(heightsOf(await md.trades("ETH-PERP", 20_000)), ["5", "6"]);
  // 8,000 trades: two or more batches besides height 6's, each of whole heights (the tape is always a suffix).
  t.true(writes - before >= 3, `${writes - before} batches`);
  const all = ["1", "2", "3", "4", "5", "6"];
  for (const r of remaining) t.deepEqual(r, all.slice(all.indexOf(r[0]!)), `remaining ${r.join(",")}`);
  t.true(
    remaining.some((r) => r[0] !== "1" && r[0] !== "5"),
    "a state between the first and the last batch was seen",
  );
});

test("a corrupt height entry stops pruning with an error and deletes nothing", async (t) => {
  const db = createMemoryDatabase();
  const md = await openMarketData({ db });
  await indexBlock(db, md, 1n, 600n, results([trade("ETH-PERP", 3000n, 1n)]));
  await indexBlock(db, md, 2n, 601n, results([trade("ETH-PERP", 3001n, 1n)]));
  const key = Uint8Array.of(0x2b, 0, 0, 0, 0, 0, 0, 0, 2);
  await db.put(key, Uint8Array.of(8, 0x41)); // a market of 8 bytes, one given
  await t.throwsAsync(md.pruneBelow(3n), { message: /truncated trade tape height entry/ });
  t.deepEqual(heightsOf(await md.trades("ETH-PERP", 10)), ["1", "2"]);
});

test("a height entry names each of its trades' keys, across markets", (t) => {
  const mk = (market: string, seq: string) => ({ market, seq }) as TapeTrade;
  const trades = [
    mk("ETH-PERP", "7"),
    mk("BTC-PERP", "3"),
    mk("ETH-PERP", "9"),
    mk("Ünï-PERP", "18446744073709551615"),
  ];
  const keys = tapeHeightTradeKeys(encodeTapeHeight(trades)).map((k) => Buffer.from(k).toString("hex"));
  const key = (market: string, seq: bigint) => {
    const m = Buffer.from(market, "utf8");
    const s = Buffer.alloc(8);
    s.writeBigUInt64BE(seq);
    return Buffer.concat([Buffer.of(0x2c, m.length), m, s]).toString("hex");
  };
  t.deepEqual(keys, [
    key("ETH-PERP", 7n),
    key("ETH-PERP", 9n),
    key("BTC-PERP", 3n),
    key("Ünï-PERP", 18446744073709551615n),
  ]);
  t.deepEqual(tapeHeightTradeKeys(new Uint8Array(0)), []);
  t.throws(() => tapeHeightTradeKeys(Uint8Array.of(3, 0x41, 0x42, 0x43, 0, 0, 0, 2, 1, 2, 3)), {
    message: /truncated/,
  });
});

test("book deltas carry consecutive sequence numbers and rebuild the book from the snapshot", async (t) => {
  let book: BookLevels = { height: 1n, bids: [["100", "5"]], asks: [["110", "2"]] };
  const feed = createMarketFeed({ book: async () => book });
  const got: FeedMessage[] = [];
  const snap = await feed.subscribe("c1", "book:X", { topic: "book", market: "X" }, (m) => got.push(m));
  const empty = { trades: [], candles: [] };
  book = {
    height: 2n,
    bids: [
      ["101", "1"],
      ["100", "5"],
    ],
    asks: [],
  };
  feed.blockCommitted(2n, results([]), empty);
  await feed.idle();
  feed.blockCommitted(3n, results([]), empty); // unchanged: no delta, no sequence number used
  await feed.idle();
  book = { height: 4n, bids: [["100", "3"]], asks: [["109", "4"]] };
  feed.blockCommitted(4n, results([]), empty);
  await feed.idle();
  const bids = new Map(snap!.bids);
  const asks = new Map(snap!.asks);
  const seqs = [snap!.seq];
  for (const m of got) {
    if (m.topic !== "book") continue;
    seqs.push(m.seq);
    for (const [p, s] of m.bids)
      if (s === "0") bids.delete(p);
      else bids.set(p, s);
    for (const [p, s] of m.asks)
      if (s === "0") asks.delete(p);
      else asks.set(p, s);
  }
  t.deepEqual(seqs, ["0", "1", "2"]);
  t.deepEqual([...bids], book.bids);
  t.deepEqual([...asks], book.asks);
});

test("diffLevels reports changed and removed levels only", (t) => {
  t.deepEqual(
    diffLevels(
      new Map([
        ["1", "2"],
        ["3", "4"],
      ]),
      [
        ["1", "2"],
        ["5", "6"],
      ],
    ),
    [
      ["5", "6"],
      ["3", "0"],
    ],
  );
});

test("a book nobody follows any more is not read again each block", async (t) => {
  let reads = 0;
  const feed = createMarketFeed({
    book: async () => {
      reads += 1;
      return { height: 1n, bids: [], asks: [] };
    },
  });
  await feed.subscribe("c1", "book:X", { topic: "book", market: "X" }, () => {});
  feed.blockCommitted(2n, results([]), { trades: [], candles: [] });
  await feed.idle();
  t.is(reads, 2);
  feed.unsubscribe("c1", "book:X");
  for (const h of [3n, 4n, 5n]) feed.blockCommitted(h, results([]), { trades: [], candles: [] });
  await feed.idle();
  t.is(reads, 2);
});
