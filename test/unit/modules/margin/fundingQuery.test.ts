/**
 * The margin Query service's Params and Funding: the params in force, and per perpetual the
 * current interval's samples and the rate they would pay, which is the rate the module pays
 * when the interval ends. Funding is due at every height that is a multiple of the interval.
 */
import test, { type ExecutionContext } from "ava";
import { refusal } from "../../../../chain/client/index.js";
import type { QueryFundingResponse } from "../../../../chain/codec/generated/strike/margin/v1/query.js";
import { decFromString, decToString } from "../../../../chain/types/fixed/index.js";
import { assertOk, eventsOf } from "../../../integration/trading/checks.js";
import {
  createTradingFixture,
  depositAll,
  emptyBlock,
  ethCall,
  movePrice,
  orderSpec,
  place,
  send,
  type TradingFixture,
} from "../../../integration/trading/fixture.js";
import { queries, type TestAccount } from "../../runtime/fixture.js";

const INTERVAL = 5n;

async function fundingSetup(t: ExecutionContext, options: { staleAfterSeconds?: number } = {}) {
  const f = await createTradingFixture({
    accounts: 4,
    marginParams: { fundingIntervalBlocks: String(INTERVAL), maxFundingRate: "0.01" },
    ...options,
  });
  const [mm, alice, bob] = f.accounts as [TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm, alice, bob], 100_000n);
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("ETH-PERP", "sell", "1", "3000"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3000"))]));
  return { f, mm, alice, bob };
}

const funding = (f: TradingFixture, market = "") => queries(f).margin.Funding({ market });
const eth = (r: QueryFundingResponse) => r.markets.find((m) => m.market === "ETH-PERP")!;

/** Runs empty blocks up to the next height at which funding is due; returns that block's funding events. */
async function toNextPayment(f: TradingFixture): Promise<Record<string, string>[]> {
  let paid: Record<string, string>[] = [];
  do paid = eventsOf((await emptyBlock(f)).events, "funding");
  while (f.height % INTERVAL !== 0n);
  return paid;
}

/** Quotes 5 ETH a side (about 15,000 USDC, more than the impact notional). */
async function quote(t: ExecutionContext, f: TradingFixture, mm: TestAccount, bid: string, ask: string) {
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "5", bid))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "5", ask))]));
}

test("Params answers every margin param in force, the genesis overrides and the defaults", async (t) => {
  const f = await createTradingFixture({ accounts: 2, marginParams: { fundingIntervalBlocks: "5" } });
  await emptyBlock(f);
  const { params } = await queries(f).margin.Params({});
  t.deepEqual(params, {
    fundingIntervalBlocks: 5n,
    maxFundingRate: "0.001",
    liquidationPenalty: "0.01",
    optionOtmFactor: "0.2",
    optionMinFactor: "0.1",
    optionMaintenanceRatio: "0.8",
    settlementTwapBlocks: 30n,
    optionPortfolioShortMinimum: "0.01",
    fundingImpactNotional: 10_000_000_000n,
  });
});

test("the rate Funding predicts during an interval with a steady book is the rate the module pays at its end", async (t) => {
  const { f, mm } = await fundingSetup(t);
  await quote(t, f, mm, "3015", "3020");
  await toNextPayment(f);
  const start = f.height;
  const atStart = await funding(f);
  t.like(atStart, {
    height: start,
    fundingIntervalBlocks: INTERVAL,
    maxFundingRate: "0.01",
    lastPaymentHeight: start,
    nextPaymentHeight: start + INTERVAL,
  });
  t.like(eth(atStart), { samples: 0n, averagePremium: "0", rate: "0", bookPremium: "0.005" });

  await emptyBlock(f);
  await emptyBlock(f);
  const midway = await funding(f, "ETH-PERP");
  t.like(midway, { height: start + 2n, lastPaymentHeight: start, nextPaymentHeight: start + INTERVAL });
  t.deepEqual(midway.markets, [
    {
      market: "ETH-PERP",
      underlying: "ETH",
      oraclePrice: "3000",
      stale: false,
      samples: 2n,
      averagePremium: "0.005",
      rate: "0.005",
      bookPremium: "0.005",
      impactBid: "3015",
      impactAsk: "3020",
    },
  ]);
  const paid = await toNextPayment(f);
  t.is(f.height, start + INTERVAL);
  t.deepEqual(
    paid.map((e) => [e["market"], decFromString(e["rate"]!)]),
    [["ETH-PERP", decFromString(midway.markets[0]!.rate)]],
  );
  t.like(eth(await funding(f)), { samples: 0n, rate: "0" });
});

test("as the book moves, the rate is the exact average of the premiums sampled so far, and that average over the interval is paid", async (t) => {
  const { f, mm } = await fundingSetup(t);
  await quote(t, f, mm, "3015", "3020");
  await toNextPayment(f);
  const start = f.height;
  // Each block samples the premium of the book it committed: the query's book_premium at that height.
  const sampled: bigint[] = [];
  const bids = ["3018", "", "3019.5", ""];
  for (const [i, bid] of bids.entries()) {
    if (bid === "") await emptyBlock(f);
    else assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", bid))]));
    const r = eth(await funding(f));
    sampled.push(decFromString(r.bookPremium));
    t.is(r.samples, BigInt(i + 1));
    const average = sampled.reduce((a, b) => a + b, 0n) / BigInt(sampled.length);
    t.is(decFromString(r.rate), average, `height ${f.height}`);
    t.is(r.averagePremium, r.rate);
  }
  // A premium with a long tail of decimals: 1 ETH at 3019.5 and 1 at 3018 ahead of the 3015 quote.
  t.true(sampled[3]! > sampled[0]! && sampled[0]! > decFromString("0.005"), sampled.map(decToString).join(", "));
  const paid = await toNextPayment(f);
  t.is(f.height, start + INTERVAL);
  // The interval's last block samples the book as it still stands.
  sampled.push(decFromString(eth(await funding(f)).bookPremium));
  const rate = sampled.reduce((a, b) => a + b, 0n) / INTERVAL;
  t.deepEqual(
    paid.map((e) => [e["market"], e["rate"]]),
    [["ETH-PERP", decToString(rate)]],
  );
});

test("the payment schedule: none before the first interval's end, then the latest and next multiples of the interval", async (t) => {
  const f = await createTradingFixture({ accounts: 2, marginParams: { fundingIntervalBlocks: "5" } });
  await emptyBlock(f);
  await emptyBlock(f);
  t.like(await funding(f), { height: 2n, lastPaymentHeight: 0n, nextPaymentHeight: 5n });
  for (let i = 0; i < 3; i++) await emptyBlock(f);
  t.like(await funding(f), { height: 5n, lastPaymentHeight: 5n, nextPaymentHeight: 10n });
  await emptyBlock(f);
  const r = await funding(f);
  t.like(r, { height: 6n, lastPaymentHeight: 5n, nextPaymentHeight: 10n });
  t.deepEqual(
    r.markets.map((m) => m.market),
    ["BTC-PERP", "ETH-PERP"],
    "every perpetual, in market id order, and no option series",
  );
  // An empty book: every block samples a zero premium.
  t.like(eth(r), { samples: 1n, rate: "0", bookPremium: "0", impactBid: "", impactAsk: "" });
});

test("on a stale oracle price no sample is taken and the book's premium is not shown", async (t) => {
  const { f, mm } = await fundingSetup(t, { staleAfterSeconds: 5 });
  await quote(t, f, mm, "3015", "3020");
  const before = eth(await funding(f));
  t.false(before.stale);
  // ETH is not fed for longer than stale_after_seconds.
  await emptyBlock(f, f.height + 1_700_000_100n);
  const stale = eth(await funding(f));
  t.like(stale, { stale: true, oraclePrice: "3000", bookPremium: "", impactBid: "", impactAsk: "" });
  await emptyBlock(f);
  t.is(eth(await funding(f)).samples, stale.samples, "stale blocks take no sample");
  assertOk(t, await movePrice(f, "ETH", "3000"));
  t.like(eth(await funding(f)), { stale: false, bookPremium: "0.005" });
});

test("Funding of a market that is not a perpetual, or of none, is refused naming the perpetual markets", async (t) => {
  const f = await createTradingFixture({ accounts: 2 });
  await emptyBlock(f);
  const unknown = await funding(f, "DOGE-PERP").catch((x: unknown) => x);
  t.like(refusal(unknown), { codespace: "sdk", code: 22 });
  t.regex(
    refusal(unknown)?.log ?? "",
    /NotFound desc = market DOGE-PERP not found; the perpetual markets are BTC-PERP, ETH-PERP/,
  );
  const option = await funding(f, ethCall(3000n)).catch((x: unknown) => x);
  t.like(refusal(option), { codespace: "sdk" });
  t.regex(
    refusal(option)?.log ?? "",
    new RegExp(
      `InvalidArgument desc = ${ethCall(3000n)} is an option market: options pay no funding; the perpetual markets are BTC-PERP, ETH-PERP`,
    ),
  );
});
