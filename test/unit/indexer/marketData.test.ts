import test from "ava";
import { openMarketData, tradesOf } from "../../../chain/indexer/marketData.js";
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
