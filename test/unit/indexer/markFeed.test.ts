/**
 * Marks on the prices topic: after a block that moved an oracle price the feed reads every
 * market's mark from the node's MarkSource and sends those that changed since a follower
 * started; a block that moved no price costs no read and sends nothing.
 */
import test from "ava";
import {
  createMarketFeed,
  type FeedMessage,
  type MarkPrices,
  type PricesMessage,
} from "../../../chain/indexer/marketFeed.js";
import type { AbciEvent, FinalizeBlockResponse } from "../../../chain/types/abci.js";

const a = (key: string, value: string) => ({ key, value, index: true });
const oraclePrice = (asset: string, price: string): AbciEvent => ({
  type: "oracle_price",
  attributes: [a("asset", asset), a("price", price)],
});

function block(events: AbciEvent[]): FinalizeBlockResponse {
  return { events, txResults: [], validatorUpdates: [], appHash: new Uint8Array() };
}

const noData = { trades: [], candles: [] };
const CALL = "ETH-20231130-3000-C";

function fakeMarks(initial: MarkPrices) {
  const source = { current: initial, reads: 0 };
  return {
    source,
    marks: async () => {
      source.reads += 1;
      return source.current;
    },
  };
}

const marksAt = (height: bigint, eth: string, call: string, stale = false): MarkPrices => ({
  height,
  marks: [
    { market: "BTC-PERP", mark: "60000", spot: "60000", stale: false },
    { market: CALL, mark: call, spot: eth, stale },
    { market: "ETH-PERP", mark: eth, spot: eth, stale },
  ],
});

const markMessages = (got: FeedMessage[]) =>
  got.filter((m): m is PricesMessage => m.topic === "prices" && m.kind === "mark");

test("an oracle change sends the marks that moved: the perpetual and the option series, not the others", async (t) => {
  const fake = fakeMarks(marksAt(2n, "3000", "112.5"));
  const feed = createMarketFeed({ book: async () => ({ height: 0n, bids: [], asks: [] }) }, fake);
  const got: FeedMessage[] = [];
  await feed.subscribe("c1", "prices", { topic: "prices" }, (m) => got.push(m));

  fake.source.current = marksAt(3n, "3100", "160.25");
  feed.blockCommitted(3n, block([oraclePrice("ETH", "3100")]), noData);
  await feed.idle();
  t.deepEqual(
    markMessages(got).map((m) => [m.height, m.attributes]),
    [
      ["3", { market: CALL, mark: "160.25", spot: "3100", stale: "false" }],
      ["3", { market: "ETH-PERP", mark: "3100", spot: "3100", stale: "false" }],
    ],
  );
  t.true(
    got.some((m) => m.topic === "prices" && m.kind === "oracle" && m.attributes["price"] === "3100"),
    "the oracle price message is still sent as before",
  );
});

test("no mark message (and no read) for a block that moved no price, nor for an unchanged mark", async (t) => {
  const fake = fakeMarks(marksAt(2n, "3000", "112.5"));
  const feed = createMarketFeed({ book: async () => ({ height: 0n, bids: [], asks: [] }) }, fake);
  const got: FeedMessage[] = [];
  await feed.subscribe("c1", "prices", { topic: "prices" }, (m) => got.push(m));
  t.is(fake.source.reads, 1, "read once: where the follower starts from");

  feed.blockCommitted(3n, block([]), noData);
  await feed.idle();
  t.is(fake.source.reads, 1, "a block without an oracle price is not read");
  // The same spot again; the option's model price only decayed with time: not republished.
  fake.source.current = marksAt(4n, "3000", "112.4");
  feed.blockCommitted(4n, block([oraclePrice("ETH", "3000")]), noData);
  await feed.idle();
  t.is(fake.source.reads, 2);
  t.deepEqual(markMessages(got), [], "the same price again: nothing moved, nothing sent");
});

test("a new implied volatility sends that series' mark alone", async (t) => {
  const fake = fakeMarks(marksAt(2n, "3000", "112.5"));
  const feed = createMarketFeed({ book: async () => ({ height: 0n, bids: [], asks: [] }) }, fake);
  const got: FeedMessage[] = [];
  await feed.subscribe("c1", "prices", { topic: "prices" }, (m) => got.push(m));
  fake.source.current = marksAt(3n, "3000", "130");
  const ivSet: AbciEvent = {
    type: "implied_volatility_set",
    attributes: [a("market", CALL), a("implied_volatility", "0.7")],
  };
  const tx = { code: 0, codespace: "", log: "", info: "", data: new Uint8Array(), gasWanted: 0n, gasUsed: 0n };
  feed.blockCommitted(3n, { ...block([]), txResults: [{ ...tx, events: [ivSet] }] }, noData);
  await feed.idle();
  t.deepEqual(
    markMessages(got).map((m) => [m.attributes["market"], m.attributes["mark"]]),
    [[CALL, "130"]],
  );
});

test("a price turning stale sends the marks it values, flagged stale", async (t) => {
  const fake = fakeMarks(marksAt(2n, "3000", "112.5"));
  const feed = createMarketFeed({ book: async () => ({ height: 0n, bids: [], asks: [] }) }, fake);
  const got: FeedMessage[] = [];
  await feed.subscribe("c1", "prices", { topic: "prices" }, (m) => got.push(m));
  fake.source.current = marksAt(9n, "3000", "112.5", true);
  feed.blockCommitted(9n, block([{ type: "oracle_price_stale", attributes: [a("asset", "ETH")] }]), noData);
  await feed.idle();
  t.deepEqual(
    markMessages(got).map((m) => [m.attributes["market"], m.attributes["stale"]]),
    [
      [CALL, "true"],
      ["ETH-PERP", "true"],
    ],
  );
});

test("marks are not read while nobody follows the prices topic", async (t) => {
  const fake = fakeMarks(marksAt(2n, "3000", "112.5"));
  const feed = createMarketFeed({ book: async () => ({ height: 0n, bids: [], asks: [] }) }, fake);
  feed.blockCommitted(2n, block([oraclePrice("ETH", "3000")]), noData);
  await feed.idle();
  t.is(fake.source.reads, 0);

  const got: FeedMessage[] = [];
  await feed.subscribe("c1", "prices", { topic: "prices" }, (m) => got.push(m));
  feed.blockCommitted(3n, block([oraclePrice("ETH", "3000")]), noData);
  await feed.idle();
  t.is(fake.source.reads, 2);
  t.deepEqual(markMessages(got), [], "a new follower is sent what moves, not every mark");
  feed.unsubscribe("c1", "prices");
  feed.blockCommitted(4n, block([oraclePrice("ETH", "3100")]), noData);
  await feed.idle();
  t.is(fake.source.reads, 2);
});

test("a market without an oracle price has no mark to send until it gets one", async (t) => {
  const fake = fakeMarks({ height: 2n, marks: [{ market: "SOL-PERP", mark: "", spot: "", stale: true }] });
  const feed = createMarketFeed({ book: async () => ({ height: 0n, bids: [], asks: [] }) }, fake);
  const got: FeedMessage[] = [];
  await feed.subscribe("c1", "prices", { topic: "prices" }, (m) => got.push(m));
  feed.blockCommitted(2n, block([oraclePrice("ETH", "3000")]), noData);
  await feed.idle();
  t.deepEqual(markMessages(got), []);
  fake.source.current = { height: 3n, marks: [{ market: "SOL-PERP", mark: "150", spot: "150", stale: false }] };
  feed.blockCommitted(3n, block([oraclePrice("SOL", "150")]), noData);
  await feed.idle();
  t.deepEqual(
    markMessages(got).map((m) => m.attributes["mark"]),
    ["150"],
  );
});
