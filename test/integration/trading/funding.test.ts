/**
 * Funding: each block samples the premium of the book's impact prices (the average price of
 * selling and of buying funding_impact_notional, 10,000 USDC by default) over the oracle;
 * every fundingIntervalBlocks the average (capped) is paid between longs and shorts, zero-sum
 * up to rounding, which goes to the insurance fund. Orders smaller than that notional do not
 * set the rate.
 */
import test, { type ExecutionContext } from "ava";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { assertOk, eventsOf, uusdcOf } from "./checks.js";
import {
  createTradingFixture,
  depositAll,
  emptyBlock,
  insuranceFund,
  orderSpec,
  place,
  send,
  subaccount,
  type TradingFixture,
} from "./fixture.js";

async function fundingSetup(maxFundingRate = "0.01") {
  const f = await createTradingFixture({ accounts: 5, marginParams: { fundingIntervalBlocks: "5", maxFundingRate } });
  const [mm, alice, bob, carol] = f.accounts as [TestAccount, TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm, alice, bob, carol], 100_000n);
  return { f, mm, alice, bob, carol };
}

async function trade(t: ExecutionContext, f: TradingFixture, seller: TestAccount, buyer: TestAccount, size: string) {
  assertOk(t, await send(f, seller, [place(seller.address, orderSpec("ETH-PERP", "sell", size, "3000"))]));
  assertOk(t, await send(f, buyer, [place(buyer.address, orderSpec("ETH-PERP", "buy", size, "3000"))]));
}

/** Quotes 5 ETH (about 15,000 USDC) a side: more than the impact notional, so each side's impact price is its quote. */
async function quote(t: ExecutionContext, f: TradingFixture, mm: TestAccount, bid: string, ask: string, size = "5") {
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", size, bid))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", size, ask))]));
}

const cash = async (f: TradingFixture, a: TestAccount) => uusdcOf((await subaccount(f, a.address))!.collateral);

/** Runs empty blocks until one pays funding (at most one interval); returns its funding events. */
async function untilFunding(f: TradingFixture): Promise<Record<string, string>[]> {
  for (let i = 0; i < 6; i++) {
    const paid = eventsOf((await emptyBlock(f)).events, "funding");
    if (paid.length > 0) return paid;
  }
  throw new TypeError("no funding was paid within an interval");
}

test("when the impact bid is above the oracle, longs pay shorts at its premium", async (t) => {
  const { f, mm, alice, bob } = await fundingSetup();
  await trade(t, f, bob, alice, "1");
  await quote(t, f, mm, "3015", "3020");
  // The quotes went in during this interval; wait for a full interval of samples.
  await untilFunding(f);
  const [a0, b0, fund0] = [await cash(f, alice), await cash(f, bob), await insuranceFund(f)];
  const paid = await untilFunding(f);
  // impact bid 3015 / oracle 3000 − 1 = 0.005 per interval: 15 USDC on one ETH.
  t.deepEqual(
    paid.map((e) => [e["market"], e["rate"]]),
    [["ETH-PERP", "0.005000000000000000"]],
  );
  t.is((await cash(f, alice)) - a0, -15_000_000n);
  t.is((await cash(f, bob)) - b0, 15_000_000n);
  t.is(await insuranceFund(f), fund0);
  t.is((await subaccount(f, mm.address))!.positions.length, 0, "the quotes never traded");
});

test("when the impact ask is below the oracle, shorts pay longs", async (t) => {
  const { f, mm, alice, bob } = await fundingSetup();
  await trade(t, f, bob, alice, "2");
  await quote(t, f, mm, "2980", "2985");
  await untilFunding(f);
  const [a0, b0] = [await cash(f, alice), await cash(f, bob)];
  const paid = await untilFunding(f);
  // −(3000 − 2985) / 3000 = −0.005: shorts pay 2 × 3000 × 0.005 = 30.
  t.is(paid[0]!["rate"], "-0.005000000000000000");
  t.is((await cash(f, alice)) - a0, 30_000_000n);
  t.is((await cash(f, bob)) - b0, -30_000_000n);
});

test("the funding rate is capped at maxFundingRate", async (t) => {
  const { f, mm, alice, bob } = await fundingSetup("0.001");
  await trade(t, f, bob, alice, "1");
  await quote(t, f, mm, "3290", "3310");
  await untilFunding(f);
  const a0 = await cash(f, alice);
  const paid = await untilFunding(f);
  t.is(paid[0]!["rate"], "0.001000000000000000");
  t.is((await cash(f, alice)) - a0, -3_000_000n);
});

test("funding is zero-sum up to rounding, and the rounding goes to the insurance fund", async (t) => {
  const { f, mm, alice, bob, carol } = await fundingSetup();
  await trade(t, f, bob, alice, "0.111");
  await trade(t, f, carol, alice, "0.222");
  // impact bid 3010.1: a rate with a long tail of decimals.
  await quote(t, f, mm, "3010.1", "3020");
  await untilFunding(f);
  const before = [await cash(f, alice), await cash(f, bob), await cash(f, carol)];
  const fund0 = await insuranceFund(f);
  await untilFunding(f);
  const after = [await cash(f, alice), await cash(f, bob), await cash(f, carol)];
  const moved = after.map((x, i) => x - before[i]!);
  t.true(moved[0]! < 0n && moved[1]! > 0n && moved[2]! > 0n, moved.join(","));
  const surplus = -moved.reduce((a, b) => a + b, 0n);
  // Payers round up and receivers down, by less than a uusdc each.
  t.true(surplus > 0n && surplus <= 3n, `surplus ${surplus}`);
  t.is((await insuranceFund(f)) - fund0, surplus);
});

test("no funding is paid while neither side has the impact notional's depth", async (t) => {
  const { f, mm, alice, bob } = await fundingSetup();
  await trade(t, f, bob, alice, "1");
  // A 0.3 ETH bid at 3290 (987 USDC, above the oracle) and 3 ETH asked at 3300 (9,900 USDC): less than 10,000 a side.
  await quote(t, f, mm, "3290", "3300", "0.3");
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "2.7", "3300"))]));
  const a0 = await cash(f, alice);
  for (let i = 0; i < 12; i++) t.deepEqual(eventsOf((await emptyBlock(f)).events, "funding"), []);
  t.is(await cash(f, alice), a0);
});

test("a dust quote far from the oracle no longer sets the rate: a short's 0.001 ETH bid and ask around 3300", async (t) => {
  const { f, alice, bob } = await fundingSetup();
  await trade(t, f, bob, alice, "1");
  // The red team's attack: with the top-of-book mid, 3300 / 3000 − 1 paid bob the cap every interval.
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("ETH-PERP", "buy", "0.001", "3290"))]));
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("ETH-PERP", "sell", "0.001", "3310"))]));
  const [a0, b0] = [await cash(f, alice), await cash(f, bob)];
  for (let i = 0; i < 12; i++) t.deepEqual(eventsOf((await emptyBlock(f)).events, "funding"), []);
  t.deepEqual([await cash(f, alice), await cash(f, bob)], [a0, b0]);
});

test("with depth on both sides the rate follows the depth, a dust bid ahead of it weighing only its notional", async (t) => {
  const { f, mm, alice, bob } = await fundingSetup();
  await trade(t, f, bob, alice, "1");
  await quote(t, f, mm, "3015", "3400");
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("ETH-PERP", "buy", "0.001", "3290"))]));
  await untilFunding(f);
  const paid = await untilFunding(f);
  // 3.29 USDC at 3290, the other 9,996.71 at 3015: 10,000 / (0.001 + 9996.71 / 3015) = 3015.08… (the mid was 3345).
  t.is(paid[0]!["rate"], "0.005027638260052151");
});
