/**
 * Marks: the margin module's Marks query answers the price each market's positions are valued
 * at (a perpetual's oracle price, an option's model price), and the node's mark source feeds
 * them to the websocket's prices topic when a price moves.
 */
import test, { type ExecutionContext } from "ava";
import { createMarkSource } from "../../../app/markSource.js";
import { MarketType } from "../../../chain/codec/generated/strike/orderbook/v1/market.js";
import { refusal } from "../../../chain/client/index.js";
import { createMarketFeed, type FeedMessage, type PricesMessage } from "../../../chain/indexer/marketFeed.js";
import { decFromString } from "../../../chain/types/fixed/index.js";
import { queries, type TestAccount } from "../../unit/runtime/fixture.js";
import { assertOk, eventsOf } from "./checks.js";
import {
  EXPIRY,
  createTradingFixture,
  depositAll,
  emptyBlock,
  ethCall,
  ethPut,
  markets,
  movePrice,
  orderSpec,
  place,
  send,
  sendBlock,
  subaccount,
  submitPrice,
  type TradingFixture,
} from "./fixture.js";

const CALL = ethCall(3000n);
const PUT = ethPut(3200n);

const marks = async (f: TradingFixture, market = "") => queries(f).margin.Marks({ market });
const markOf = async (f: TradingFixture, market: string) => (await marks(f, market)).marks[0]!;

/** mm sells alice one CALL at 150: both hold the series. */
async function callHolders(t: ExecutionContext) {
  const f = await createTradingFixture({ accounts: 3 });
  const [mm, alice] = f.accounts as [TestAccount, TestAccount];
  await depositAll(f, [mm, alice], 100_000n);
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec(CALL, "sell", "1", "150"))]), "sell");
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec(CALL, "buy", "1", "150"))]), "buy");
  return { f, mm, alice };
}

test("every market has a mark: a perpetual's is its oracle price, an option's the one its positions are valued at", async (t) => {
  const { f, alice } = await callHolders(t);
  const r = await marks(f);
  t.is(r.height, f.height);
  t.deepEqual(
    r.marks.map((m) => m.market),
    (await markets(f)).map((m) => m.id),
    "one mark per market, in market id order",
  );
  t.like(
    r.marks.find((m) => m.market === "ETH-PERP"),
    {
      type: MarketType.MARKET_TYPE_PERPETUAL,
      underlying: "ETH",
      mark: "3000",
      spot: "3000",
      stale: false,
      settled: false,
    },
  );
  t.like(
    r.marks.find((m) => m.market === "BTC-PERP"),
    { mark: "60000", spot: "60000" },
  );
  const call = r.marks.find((m) => m.market === CALL)!;
  t.like(call, { type: MarketType.MARKET_TYPE_OPTION, underlying: "ETH", spot: "3000", stale: false });
  const position = (await subaccount(f, alice.address))!.positions.find((p) => p.market === CALL)!;
  t.is(call.mark, position.markPrice, "the mark margin values alice's call at");
  t.true(decFromString(call.mark) > 0n);
  for (const m of r.marks.filter((x) => x.type === MarketType.MARKET_TYPE_OPTION))
    t.true(m.mark !== "" && decFromString(m.mark) >= 0n, `${m.market} has a model price`);
});

test("a new oracle price moves the perpetual's mark and its option series', and nothing on other underlyings", async (t) => {
  const { f } = await callHolders(t);
  const before = await marks(f);
  assertOk(t, await movePrice(f, "ETH", "3300"));
  const after = await marks(f);
  const of = (r: typeof before, id: string) => r.marks.find((m) => m.market === id)!;
  t.is(of(after, "ETH-PERP").mark, "3300");
  t.true(decFromString(of(after, CALL).mark) > decFromString(of(before, CALL).mark), "a call gains when spot rises");
  t.true(decFromString(of(after, PUT).mark) < decFromString(of(before, PUT).mark), "a put loses");
  t.is(of(after, "BTC-PERP").mark, of(before, "BTC-PERP").mark);
});

test("one market's mark, and a clear refusal for an unknown market", async (t) => {
  const f = await createTradingFixture({ accounts: 2 });
  await emptyBlock(f);
  const one = await marks(f, "ETH-PERP");
  t.deepEqual(
    one.marks.map((m) => [m.market, m.mark]),
    [["ETH-PERP", "3000"]],
  );
  const e = await marks(f, "DOGE-PERP").catch((x: unknown) => x);
  t.like(refusal(e), { codespace: "sdk" });
  t.regex(refusal(e)?.log ?? "", /NotFound.*market DOGE-PERP not found/);
});

test("a stale oracle price is flagged on every mark it values", async (t) => {
  const f = await createTradingFixture({ accounts: 2, staleAfterSeconds: 5 });
  assertOk(t, await movePrice(f, "BTC", "61000"));
  // ETH is not fed for longer than stale_after_seconds; BTC is.
  await sendBlock(
    f,
    [{ signer: f.feeder, msgs: [submitPrice(f.feeder.address, "BTC", "61000")] }],
    f.height + 1_700_000_020n,
  );
  const r = await marks(f);
  const of = (id: string) => r.marks.find((m) => m.market === id)!;
  t.like(of("ETH-PERP"), { mark: "3000", stale: true });
  t.like(of(CALL), { stale: true });
  t.like(of("BTC-PERP"), { mark: "61000", stale: false });
});

test("a settled series is marked at its payoff, final", async (t) => {
  const { f } = await callHolders(t);
  await sendBlock(f, [{ signer: f.feeder, msgs: [submitPrice(f.feeder.address, "ETH", "3100")] }], EXPIRY);
  const [settled] = eventsOf(f.last!.events, "option_settled").filter((e) => e["market"] === CALL);
  t.truthy(settled, "the call settled at expiry");
  const mark = await markOf(f, CALL);
  t.like(mark, { settled: true, stale: false });
  t.is(decFromString(mark.mark), decFromString(settled!["payoff"]!));
});

test("the mark source feeds the prices topic: an ETH move sends the perpetual's and its series' marks, an empty block nothing", async (t) => {
  const f = await createTradingFixture({ accounts: 2 });
  const feed = createMarketFeed(
    { book: async () => ({ height: 0n, bids: [], asks: [] }) },
    createMarkSource((req) => f.app.query(req)),
  );
  const got: FeedMessage[] = [];
  await feed.subscribe("c1", "prices", { topic: "prices" }, (m) => got.push(m));
  const commit = async () => {
    got.length = 0;
    feed.blockCommitted(f.height, f.last!, { trades: [], candles: [] });
    await feed.idle();
    return got.filter((m): m is PricesMessage => m.topic === "prices" && m.kind === "mark");
  };
  await movePrice(f, "ETH", "3000");
  t.deepEqual(await commit(), [], "the price the follower started from: nothing moved");

  await emptyBlock(f);
  t.deepEqual(await commit(), [], "no price moved: no mark message");

  await movePrice(f, "ETH", "3150");
  const sent = await commit();
  const ethMarkets = (await markets(f)).filter((m) => m.underlying === "ETH").map((m) => m.id);
  t.deepEqual(
    sent.map((m) => m.attributes["market"]),
    ethMarkets,
    "the perpetual and every ETH series; no BTC market",
  );
  t.true(sent.every((m) => m.height === f.height.toString() && m.attributes["spot"] === "3150"));
  t.is(sent.find((m) => m.attributes["market"] === "ETH-PERP")?.attributes["mark"], "3150");
  const call = sent.find((m) => m.attributes["market"] === CALL)!;
  t.is(call.attributes["mark"], (await markOf(f, CALL)).mark, "the option's message carries the queried model price");
});
