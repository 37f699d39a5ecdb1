/** Margin: deposits and withdrawals, free collateral, no chain-wide halt, portfolio margin. */
import test from "ava";
import { marginErrors } from "../../../modules/margin/index.js";
import { orderbookErrors } from "../../../modules/orderbook/index.js";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { assertOk, assertRejected, eventsOf, uusdcOf } from "./checks.js";
import {
  MARGIN_ADDRESS,
  createTradingFixture,
  deposit,
  depositAll,
  emptyBlock,
  ethCall,
  orderSpec,
  place,
  send,
  setMarginMode,
  subaccount,
  subaccounts,
  uusdc,
  withdraw,
  type TradingFixture,
} from "./fixture.js";

test("a deposit moves USDC into the subaccount and a withdrawal moves it back", async (t) => {
  const f = await createTradingFixture();
  const [alice] = f.accounts as [TestAccount];
  const bank = await uusdc(f, alice.address);
  const pool = await uusdc(f, MARGIN_ADDRESS);
  t.deepEqual(await subaccounts(f, alice.address), []);
  const d = await send(f, alice, [deposit(alice.address, 1_234n), deposit(alice.address, 5n, 2)]);
  assertOk(t, d);
  t.is(eventsOf(d.events, "deposit").length, 2);
  t.is(await uusdc(f, alice.address), bank - 1_239_000_000n);
  t.is(await uusdc(f, MARGIN_ADDRESS), pool + 1_239_000_000n);
  t.is((await subaccount(f, alice.address, 0))!.collateral, "1234");
  t.is((await subaccount(f, alice.address, 2))!.collateral, "5");
  const w = await send(f, alice, [withdraw(alice.address, 1_234_000_000n), withdraw(alice.address, 5_000_000n, 2)]);
  assertOk(t, w);
  t.is(eventsOf(w.events, "withdraw").length, 2);
  t.is(await uusdc(f, alice.address), bank);
  t.is(await uusdc(f, MARGIN_ADDRESS), pool);
  t.deepEqual(await subaccounts(f, alice.address), [], "emptied subaccounts are pruned");
});

test("only free collateral (equity above initial margin) can be withdrawn", async (t) => {
  const f = await createTradingFixture();
  const [mm, alice] = f.accounts as [TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  await depositAll(f, [alice], 1_000n);
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "2", "3000"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "2", "3000"))]));
  const view = (await subaccount(f, alice.address))!;
  // Equity 1000 − 3 (fee); initial margin 2 × 3000 × 5% = 300.
  t.is(view.equity, "997");
  t.is(view.initialMargin, "300");
  t.is(view.freeCollateral, "697");
  await assertRejected(t, f, alice, [withdraw(alice.address, 697_000_001n)], marginErrors.withdrawalBelowMargin);
  assertOk(t, await send(f, alice, [withdraw(alice.address, 697_000_000n)]));
  const after = (await subaccount(f, alice.address))!;
  t.is(after.freeCollateral, "0");
  t.is(after.positions[0]!.size, "2");
});

/** Runs empty blocks until one pays funding; returns that block's funding events. */
async function untilFunding(f: TradingFixture, max = 10): Promise<Record<string, string>[]> {
  for (let i = 0; i < max; i++) {
    const paid = eventsOf((await emptyBlock(f)).events, "funding");
    if (paid.length > 0) return paid;
  }
  throw new TypeError("no funding was paid");
}

test("another account's negative equity never halts withdrawals (no chain-wide halt)", async (t) => {
  const f = await createTradingFixture({
    accounts: 5,
    // An impact notional of 1,000 USDC: the 1 ETH quotes below set the premium.
    marginParams: { fundingIntervalBlocks: "4", maxFundingRate: "0.5", fundingImpactNotional: "1000000000" },
  });
  const [mm, alice, bob] = f.accounts as [TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  await depositAll(f, [alice], 10_000n);
  await depositAll(f, [bob], 200n);
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "1", "3000"))]));
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("ETH-PERP", "buy", "1", "3000"))]));
  // The book bids far above the oracle (3990): longs pay 33% of the notional at the next payment.
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "1", "4010"))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "3990"))]));
  await untilFunding(f);
  t.true(uusdcOf((await subaccount(f, bob.address))!.equity) < 0n, "bob's equity is negative");
  // Alice has no positions at all: bob's deficit is his (and ADL's), not a reason for her to wait.
  assertOk(t, await send(f, alice, [withdraw(alice.address, 1_000_000n)]));
  // That block's end liquidated bob against the 3990 bid, which made his equity positive again.
  t.deepEqual((await subaccount(f, bob.address))!.positions, []);
  t.true(uusdcOf((await subaccount(f, bob.address))!.equity) >= 0n);
});

test("portfolio margin needs less than standard margin for a delta-hedged short option", async (t) => {
  const f = await createTradingFixture({ accounts: 5 });
  const [mm, alice] = f.accounts as [TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  await depositAll(f, [alice], 2_000n);
  const CALL = ethCall(3000n);
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec(CALL, "buy", "1", "150"))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "0.5", "3000"))]));
  // A covered short call: sell the call, buy half an ETH against it.
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec(CALL, "sell", "1", "150"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "0.5", "3000"))]));
  const standard = (await subaccount(f, alice.address))!;
  // 600 on the short call (20% of spot) plus 5% of 1500 on the perpetual.
  t.is(standard.initialMargin, "675");
  assertOk(t, await send(f, alice, [setMarginMode(alice.address, true)]));
  const portfolio = (await subaccount(f, alice.address))!;
  t.true(portfolio.subaccount!.portfolioMargin);
  const im = uusdcOf(portfolio.initialMargin);
  t.true(im > 0n && im < 675_000_000n / 2n, `portfolio initial margin ${portfolio.initialMargin}`);
  // Equity is the same in both modes (up to a block of time decay).
  t.true(Math.abs(Number(portfolio.equity) - Number(standard.equity)) < 0.01);
  // Free collateral grows by the difference, and can be withdrawn.
  const free = uusdcOf(portfolio.freeCollateral);
  t.true(free > uusdcOf(standard.freeCollateral));
  // (Less a dollar: the next block's marks are a second of time decay later.)
  assertOk(t, await send(f, alice, [withdraw(alice.address, free - 1_000_000n)]));
  // Back to standard mode would need more than the equity left: refused.
  await assertRejected(t, f, alice, [setMarginMode(alice.address, false)], marginErrors.insufficientMargin, [
    "ETH-PERP",
    CALL,
  ]);
});

test("each subaccount is its own cross-margin pool: another subaccount's collateral does not back it", async (t) => {
  const f = await createTradingFixture();
  const [mm, alice] = f.accounts as [TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  assertOk(t, await send(f, alice, [deposit(alice.address, 10_000n, 0), deposit(alice.address, 100n, 1)]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "2", "3000"))]));
  // 1 ETH needs 150 of initial margin: subaccount 1 has 100, subaccount 0 has plenty.
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3000"), 1)],
    orderbookErrors.insufficientMargin,
  );
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3000"), 0)]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "0.5", "3000"), 1)]));
  t.is((await subaccount(f, alice.address, 0))!.positions[0]!.size, "1");
  t.is((await subaccount(f, alice.address, 1))!.positions[0]!.size, "0.5");
  // Within one subaccount, positions in every market share its collateral.
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("BTC-PERP", "sell", "0.01", "60000"))]));
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("BTC-PERP", "buy", "0.01", "60000"), 1)],
    orderbookErrors.insufficientMargin,
    ["ETH-PERP", "BTC-PERP"],
  );
});

test("margin genesis fills in defaults for params it does not give, and refuses a zero settlement window", async (t) => {
  const f = await createTradingFixture({ marginParams: { funding_interval_blocks: "7" } });
  const [mm, alice] = f.accounts as [TestAccount, TestAccount];
  await depositAll(f, [mm, alice], 10_000n);
  // The default 20%/10% short-option factors are in force.
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec(ethCall(3000n), "sell", "1", "150"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec(ethCall(3000n), "buy", "1", "150"))]));
  t.is((await subaccount(f, mm.address))!.positions[0]!.initialMargin, "600");
  const error = await t.throwsAsync(createTradingFixture({ marginParams: { settlementTwapBlocks: "0" } }));
  t.is(marginErrors.invalidGenesis.is(error), true, String(error));
});
