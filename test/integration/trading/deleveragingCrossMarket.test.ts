/**
 * The red team's finding on deleveraging: a bankrupt account's deficit must follow the
 * positions that lost it. An account long BTC and short an ETH call, wiped out by a BTC
 * crash, must not make the call's holder (no BTC exposure) buy its call back below the mark,
 * let alone at a negative price; BTC's counterparties carry the deficit. Deleveraging moves
 * USDC between accounts only: the sum of balances and the insurance fund does not change.
 */
import test, { type ExecutionContext } from "ava";
import { queries, type TestAccount } from "../../unit/runtime/fixture.js";
import { assertOk, eventsOf, uusdcOf } from "./checks.js";
import {
  FEE_COLLECTOR_ADDRESS,
  INSURANCE_FUND_ADDRESS,
  createTradingFixture,
  insuranceFund,
  depositAll,
  ethCall,
  market,
  orderSpec,
  place,
  send,
  subaccount,
  subaccounts,
  submitPrice,
  uusdc,
  type TradingFixture,
} from "./fixture.js";

const CALL = ethCall(3400n);

/** Every subaccount's quote balance, plus the insurance fund and the fee collector (uusdc). */
async function usdcInPlay(f: TradingFixture): Promise<bigint> {
  let sum = (await uusdc(f, INSURANCE_FUND_ADDRESS)) + (await uusdc(f, FEE_COLLECTOR_ADDRESS));
  for (const a of f.accounts)
    for (const s of await subaccounts(f, a.address)) sum += BigInt(s.subaccount!.quoteBalance);
  return sum;
}

/**
 * Each deleverage event's trade price (uusdc per contract), from the bankrupt account's side of
 * each market: what the counterparty paid for a long it took over, or got for a short.
 */
async function deleveragePrices(f: TradingFixture, events: Record<string, string>[], longs: readonly string[]) {
  const out = [];
  for (const e of events) {
    const m = await market(f, e["market"]!);
    const size = BigInt(e["size"]!);
    const paid = BigInt(e["amount"]!);
    const price = ((longs.includes(m.id) ? paid : -paid) * 10n ** BigInt(m.sizeDecimals)) / size;
    out.push({ market: m.id, counterparty: e["counterparty"]!, size, paid, price });
  }
  return out;
}

/** Alice: long 0.05 BTC at 60,000 (from mm) and short 1 ETH 3400 call (to carol, at 32). */
async function longBtcShortCall(t: ExecutionContext) {
  const f = await createTradingFixture({ accounts: 4 });
  const [mm, alice, carol] = f.accounts as [TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  await depositAll(f, [alice], 1_000n);
  await depositAll(f, [carol], 100n);
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("BTC-PERP", "sell", "0.05", "60000"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("BTC-PERP", "buy", "0.05", "60000"))]));
  assertOk(t, await send(f, carol, [place(carol.address, orderSpec(CALL, "buy", "1", "32"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec(CALL, "sell", "1", "32"))]));
  return { f, mm, alice, carol };
}

test("a BTC crash that wipes out an account long BTC and short an ETH call is carried by BTC's counterparties, not the call's holder", async (t) => {
  const { f, mm, alice, carol } = await longBtcShortCall(t);
  const carolQuote = BigInt((await subaccount(f, carol.address))!.subaccount!.quoteBalance);
  const before = await usdcInPlay(f);
  // BTC falls 40%: alice's 1,200 loss on BTC is more than her 1,000 and the fund is empty.
  assertOk(t, await send(f, f.feeder, [submitPrice(f.feeder.address, "BTC", "36000")]));
  const prices = await deleveragePrices(f, eventsOf(f.last!.events, "deleverage"), ["BTC-PERP"]);
  t.deepEqual(
    prices.map((p) => [p.market, p.counterparty, p.size]),
    [
      ["BTC-PERP", `${mm.address}/0`, 500n],
      [CALL, `${carol.address}/0`, 100n],
    ],
  );
  // The call is bought back from carol at its mark in this block (about 31.82), not at −132.54
  // as when the deficit was split by maintenance margin.
  const callMark = (await queries(f).margin.Marks({ market: CALL })).marks[0]!.mark;
  // A short's value rounds away from zero: the mark rounded up to a uusdc.
  const floorMark = uusdcOf(callMark.slice(0, callMark.indexOf(".") + 7));
  t.true(
    prices[1]!.price - floorMark <= 1n && prices[1]!.price >= floorMark,
    `${prices[1]!.price} for a mark of ${callMark}`,
  );
  const c = (await subaccount(f, carol.address))!;
  t.deepEqual(c.positions, []);
  t.is(BigInt(c.subaccount!.quoteBalance), carolQuote + prices[1]!.price);
  // mm, short BTC, buys alice's long back above the 36,000 mark: the whole deficit is BTC's.
  t.true(prices[0]!.price > 40_000_000_000n && prices[0]!.price < 40_100_000_000n, `BTC at ${prices[0]!.price}`);
  t.is(await subaccount(f, alice.address), undefined, "alice closed at zero and pruned");
  t.is(await usdcInPlay(f), before, "deleveraging only moves USDC between accounts");
});

/** Alice: long 0.05 BTC and 1 ETH from mm, on 400 USDC; the fund holds 100. */
async function longBtcAndEth(t: ExecutionContext) {
  const f = await createTradingFixture({ accounts: 3, insuranceFund: 100n });
  const [mm, alice] = f.accounts as [TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  await depositAll(f, [alice], 400n);
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("BTC-PERP", "sell", "0.05", "60000"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("BTC-PERP", "buy", "0.05", "60000"))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "1", "3000"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3000"))]));
  return { f, mm, alice };
}

const prices = (f: TradingFixture, list: { asset: string; price: string }[]) =>
  send(f, f.feeder, [
    { typeUrl: "/strike.oracle.v1.MsgSubmitPrices", value: { feeder: f.feeder.address, prices: list } },
  ]);

test("a deficit larger than one position can carry moves on to the other losing position, and no close is priced beyond twice the mark", async (t) => {
  const { f, alice } = await longBtcAndEth(t);
  const before = await usdcInPlay(f);
  const aliceBefore = BigInt((await subaccount(f, alice.address))!.subaccount!.quoteBalance);
  // BTC to 20,000 (−2,000) and ETH to 2,700 (−300): alice is about 1,900 short of zero, a
  // deficit the loss weights would put 1,652 of on BTC, which is worth only 1,000.
  assertOk(
    t,
    await prices(f, [
      { asset: "BTC", price: "20000" },
      { asset: "ETH", price: "2700" },
    ]),
  );
  const adl = await deleveragePrices(f, eventsOf(f.last!.events, "deleverage"), ["BTC-PERP", "ETH-PERP"]);
  t.deepEqual(
    adl.map((p) => [p.market, p.price]),
    [
      // 20,000 + 999.95 / 0.05: twice the mark less the tick.
      ["BTC-PERP", 39_999_000_000n],
      // The rest, 1,900 less fees less 999.95, on ETH: about 3,600.
      ["ETH-PERP", adl[1]!.price],
    ],
  );
  // Her quote plus what her positions are worth at the new prices (1,000 + 2,700), below zero.
  const deficit = -(aliceBefore + 3_700_000_000n);
  t.is(adl[1]!.price, 2_700_000_000n + deficit - 999_950_000n);
  t.is(await subaccount(f, alice.address), undefined);
  t.is(await usdcInPlay(f), before);
});

test("a deficit no position can carry stays as debt: the fund covers what it holds, and USDC is conserved", async (t) => {
  const { f, alice } = await longBtcAndEth(t);
  const before = await usdcInPlay(f);
  // BTC to 10,000 (−2,500) and ETH to 1,000 (−2,000): about 4,100 short, but BTC is worth
  // 500 and ETH 1,000, so they carry at most 499.95 and 999.9.
  assertOk(
    t,
    await prices(f, [
      { asset: "BTC", price: "10000" },
      { asset: "ETH", price: "1000" },
    ]),
  );
  const adl = await deleveragePrices(f, eventsOf(f.last!.events, "deleverage"), ["BTC-PERP", "ETH-PERP"]);
  t.deepEqual(
    adl.map((p) => [p.market, p.price]),
    [
      ["BTC-PERP", 19_999_000_000n],
      ["ETH-PERP", 1_999_900_000n],
    ],
  );
  for (const p of adl) t.true(p.price > 0n);
  const liquidation = eventsOf(f.last!.events, "liquidation")[0]!;
  t.is(liquidation["insurance_cover"], "100000000", "the fund paid all it had");
  t.is(await insuranceFund(f), 0n);
  const a = (await subaccount(f, alice.address))!;
  t.deepEqual(a.positions, []);
  t.true(BigInt(a.subaccount!.quoteBalance) < -2_000_000_000n, `alice still owes ${a.subaccount!.quoteBalance}`);
  t.is(await usdcInPlay(f), before);
});
