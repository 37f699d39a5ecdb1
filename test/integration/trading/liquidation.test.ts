/**
 * Liquidation at end block: through the book with a penalty to the insurance fund; the fund
 * covers a shortfall; when neither the book nor the fund can, the position is deleveraged
 * against the most profitable opposite position at the bankruptcy price.
 */
import test, { type ExecutionContext } from "ava";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { assertOk, eventsOf, uusdcOf } from "./checks.js";
import {
  INSURANCE_FUND_ADDRESS,
  book,
  createTradingFixture,
  depositAll,
  ethCall,
  insuranceFund,
  movePrice,
  openOrders,
  orderSpec,
  place,
  send,
  subaccount,
  trades,
  uusdc,
  withdraw,
  type TradingFixtureOptions,
} from "./fixture.js";

async function setup(t: ExecutionContext, options: TradingFixtureOptions = {}) {
  const f = await createTradingFixture({ accounts: 6, ...options });
  const [mm, alice, bob, carol] = f.accounts as [TestAccount, TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  await depositAll(f, [alice], 200n);
  await depositAll(f, [bob, carol], 2_000n);
  // Alice goes long 1 ETH at 3000 with 200 USDC: 150 of initial margin, 90 of maintenance.
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "1", "3000"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3000"))]));
  return { f, mm, alice, bob, carol };
}

const cash = (v: { collateral: string }) => uusdcOf(v.collateral);

test("an account under maintenance margin is closed through the book and pays the penalty to the insurance fund", async (t) => {
  const { f, mm, alice } = await setup(t);
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "2870"))]));
  // Alice's resting order is cancelled with the liquidation.
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "sell", "0.5", "3300"))]));
  const fund0 = await insuranceFund(f);
  // At 2880: equity 200 − 1.5 − 120 = 78.5 < maintenance 86.4.
  const moved = await movePrice(f, "ETH", "2880");
  assertOk(t, moved);
  const block = f.last!;
  const liq = eventsOf(block.events, "liquidation");
  t.is(liq.length, 1);
  t.is(liq[0]!["owner"], alice.address);
  const a = (await subaccount(f, alice.address))!;
  t.deepEqual(a.positions, []);
  t.deepEqual(await openOrders(f, alice.address), []);
  // Sold at 2870 (no fee on the liquidation order): 200 − 1.5 − 130 = 68.5, less 1% of 2870.
  t.is(liq[0]!["penalty"], "28700000");
  t.is(cash(a), 68_500_000n - 28_700_000n);
  t.is((await insuranceFund(f)) - fund0, 28_700_000n);
  t.is(await uusdc(f, INSURANCE_FUND_ADDRESS), await insuranceFund(f));
  const fill = (await trades(f, "ETH-PERP")).find((x) => x.liquidation)!;
  t.deepEqual([fill.price, fill.size], [2_870_000_000n, 1000n]);
  t.is((await subaccount(f, mm.address))!.positions.length, 0, "the bid took the position back");
});

test("a liquidation fills no worse than the bankruptcy price: a liquidator's deep bid takes nothing from the fund", async (t) => {
  const { f, mm, alice } = await setup(t, { insuranceFund: 1_000n });
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "2700"))]));
  const fund0 = await insuranceFund(f);
  // At 2880 alice (equity 78.5) is liquidatable; her bankruptcy price is 2880 − 78.5 = 2801.5.
  assertOk(t, await movePrice(f, "ETH", "2880"));
  t.is(eventsOf(f.last!.events, "liquidation")[0]!["notional"], "0", "the 2700 bid is beyond it");
  t.is((await subaccount(f, alice.address))!.positions[0]!.size, "1");
  t.is(await insuranceFund(f), fund0);
  // A bid at 2810 takes it: 200 − 1.5 − 190 = 8.5 left, all of it the penalty (capped by equity).
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "2810"))]));
  // Left at zero and without positions, her subaccount is pruned.
  t.is(await subaccount(f, alice.address), undefined);
  t.is((await insuranceFund(f)) - fund0, 8_500_000n);
  t.true((await trades(f, "ETH-PERP")).some((x) => x.liquidation && x.price === 2_810_000_000n));
});

test("a bankrupt account whose deficit the fund can cover is closed no worse than the mark, and the fund pays the deficit", async (t) => {
  const { f, mm, alice } = await setup(t, { insuranceFund: 1_000n });
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "2600"))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "2700"))]));
  const fund0 = await insuranceFund(f);
  // The price gaps to 2700: equity 200 − 1.5 − 300 = −101.5.
  assertOk(t, await movePrice(f, "ETH", "2700"));
  // Closed and covered to zero, her subaccount is pruned.
  t.is(await subaccount(f, alice.address), undefined);
  t.is(fund0 - (await insuranceFund(f)), 101_500_000n, "the fund paid the loss the price move made, no more");
  t.deepEqual(
    (await trades(f, "ETH-PERP")).filter((x) => x.liquidation).map((x) => x.price),
    [2_700_000_000n],
  );
  t.is(eventsOf(f.last!.events, "liquidation")[0]!["insurance_cover"], "101500000");
});

test("when neither the book nor the fund can absorb it, the position is deleveraged against the most profitable opposite one", async (t) => {
  const { f, mm, alice, bob, carol } = await setup(t);
  // Bob is short from 3100 and carol from 3050: at 2700 bob is the more profitable short.
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("ETH-PERP", "sell", "1", "3100"))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "3100"))]));
  assertOk(t, await send(f, carol, [place(carol.address, orderSpec("ETH-PERP", "sell", "1", "3050"))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "3050"))]));
  t.deepEqual((await book(f, "ETH-PERP")).bids, []);
  t.is(await insuranceFund(f), 0n);
  assertOk(t, await movePrice(f, "ETH", "2700"));
  const adl = eventsOf(f.last!.events, "deleverage");
  t.deepEqual(
    adl.map((e) => [e["liquidated"], e["counterparty"], e["size"]]),
    [[`${alice.address}/0`, `${bob.address}/0`, "1000"]],
  );
  // Alice's equity was 200 − 1.5 − 300 = −101.5: she is closed at the price that leaves her at zero.
  t.is(adl[0]!["amount"], "2801500000");
  // Left at zero and without positions, her subaccount is pruned.
  t.is(await subaccount(f, alice.address), undefined);
  t.deepEqual((await subaccount(f, bob.address))!.positions, []);
  t.is((await subaccount(f, carol.address))!.positions[0]!.size, "-1", "the less profitable short is untouched");
  // Bob sold at 3100 as a maker (fee 0.62) and bought back at 2801.5.
  t.is(cash((await subaccount(f, bob.address))!), 2_000_000_000n + 3_100_000_000n - 2_801_500_000n - 620_000n);
  t.is(await insuranceFund(f), 0n);
});

test("a short option under maintenance margin is bought back through the option book", async (t) => {
  const f = await createTradingFixture({ accounts: 5 });
  const [mm, carol] = f.accounts as [TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  await depositAll(f, [carol], 600n);
  const CALL = ethCall(3000n);
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec(CALL, "buy", "1", "150"))]));
  assertOk(t, await send(f, carol, [place(carol.address, orderSpec(CALL, "sell", "1", "150"))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec(CALL, "sell", "1", "420"))]));
  t.false((await subaccount(f, carol.address))!.liquidatable);
  assertOk(t, await movePrice(f, "ETH", "3350"));
  t.is(eventsOf(f.last!.events, "liquidation").length, 1);
  const c = (await subaccount(f, carol.address))!;
  t.deepEqual(c.positions, []);
  // 600 + 150 − 0.075 (taker fee) − 420, less the 1% penalty on 420.
  t.is(cash(c), 600_000_000n + 150_000_000n - 75_000n - 420_000_000n - 4_200_000n);
  t.true((await trades(f, CALL)).some((x) => x.liquidation && x.price === 420_000_000n));
});

test("a deficit the fund cannot cover is deleveraged, and nobody's withdrawals halt", async (t) => {
  const { f, mm, alice, bob } = await setup(t, { insuranceFund: 50n });
  // Bob is short from 3100: the only opposite position.
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("ETH-PERP", "sell", "1", "3100"))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "3100"))]));
  assertOk(t, await movePrice(f, "ETH", "2700"));
  // Alice's deficit (101.5) is more than the fund's 50: bob takes her long at her bankruptcy price.
  t.is(eventsOf(f.last!.events, "deleverage").length, 1);
  t.is(eventsOf(f.last!.events, "liquidation")[0]!["deleveraged"], "true");
  // Left at zero and without positions, her subaccount is pruned.
  t.is(await subaccount(f, alice.address), undefined);
  t.is(await insuranceFund(f), 50_000_000n, "the fund paid nothing");
  assertOk(t, await send(f, mm, [withdraw(mm.address, 1_000_000n)]));
  assertOk(t, await send(f, bob, [withdraw(bob.address, 1_000_000n)]));
});
