/**
 * Issue 8, hole 3: deleveraging closes each position of a bankrupt account at its own
 * bankruptcy price in its own market (the deficit split by each position's unrealised loss),
 * ranks counterparties by profit × leverage, and never takes a solvent counterparty below
 * zero equity.
 */
import test, { type ExecutionContext } from "ava";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { assertOk, eventsOf, uusdcOf } from "./checks.js";
import {
  createTradingFixture,
  deposit,
  depositAll,
  insuranceFund,
  orderSpec,
  place,
  send,
  subaccount,
  submitPrice,
} from "./fixture.js";

test("each position is deleveraged at its own bankruptcy price in its own market: a BTC loss is not charged to an ETH counterparty", async (t) => {
  const f = await createTradingFixture({ accounts: 4 });
  const [mm, alice, bob] = f.accounts as [TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  await depositAll(f, [alice], 400n);
  await depositAll(f, [bob], 10n);
  // Alice: long 0.05 BTC at 60,000 (against mm) and long 0.001 ETH at 3000 (against bob's short).
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("BTC-PERP", "sell", "0.05", "60000"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("BTC-PERP", "buy", "0.05", "60000"))]));
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("ETH-PERP", "sell", "0.001", "3000"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "0.001", "3000"))]));
  // BTC falls 20%: alice's loss (600) is more than her 400 and the fund is empty.
  assertOk(t, await send(f, f.feeder, [submitPrice(f.feeder.address, "BTC", "48000")]));
  const adl = eventsOf(f.last!.events, "deleverage");
  t.deepEqual(
    adl.map((e) => [e["market"], e["counterparty"]]),
    [
      ["BTC-PERP", `${mm.address}/0`],
      ["ETH-PERP", `${bob.address}/0`],
    ],
  );
  // ETH did not move, so its position lost nothing and carries none of the deficit: bob buys
  // back 0.001 ETH at the 3,000 mark. BTC's counterparty carries the whole deficit.
  t.is(BigInt(adl[1]!["amount"]!), 3_000_000n);
  const b = (await subaccount(f, bob.address))!;
  t.deepEqual(b.positions, []);
  t.true(uusdcOf(b.equity) > 9_000_000n, `bob kept his collateral: ${b.equity}`);
  // Left at zero and without positions, her subaccount is pruned.
  t.is(await subaccount(f, alice.address), undefined);
  t.is(await insuranceFund(f), 0n);
});

/** Alice (long ETH) goes bankrupt against bob, who is short ETH and long BTC; the fund is empty. */
async function bankruptAgainstThinCounterparty(t: ExecutionContext) {
  const f = await createTradingFixture({ accounts: 4 });
  const [mm, alice, bob] = f.accounts as [TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  await depositAll(f, [alice], 200n);
  await depositAll(f, [bob], 320n);
  // Alice long 1 ETH against bob's short; bob is also long 0.05 BTC (from mm).
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("ETH-PERP", "sell", "1", "3000"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3000"))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("BTC-PERP", "sell", "0.05", "60000"))]));
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("BTC-PERP", "buy", "0.05", "60000"))]));
  // Both fall 20% in one block: alice is −401.5; bob gains 600 on ETH, loses 600 on BTC (equity ~318).
  assertOk(
    t,
    await send(f, f.feeder, [
      {
        typeUrl: "/strike.oracle.v1.MsgSubmitPrices",
        value: {
          feeder: f.feeder.address,
          prices: [
            { asset: "BTC", price: "48000" },
            { asset: "ETH", price: "2400" },
          ],
        },
      },
    ]),
  );
  return { f, mm, alice, bob };
}

test("deleveraging never takes a solvent counterparty below zero equity; what it cannot absorb waits", async (t) => {
  const { f, alice, bob } = await bankruptAgainstThinCounterparty(t);
  const adl = eventsOf(f.last!.events, "deleverage");
  t.is(adl.length, 1);
  t.true(BigInt(adl[0]!["size"]!) < 1000n, "bob took only what his equity can absorb");
  const b = (await subaccount(f, bob.address))!;
  t.true(uusdcOf(b.equity) >= 0n, `bob is still solvent: ${b.equity}`);
  t.true((await subaccount(f, alice.address))!.positions.length === 1, "the rest stays with alice for now");
});

test("a counterparty that deleveraging leaves under maintenance is liquidated in the next block, without a price move", async (t) => {
  // ADL writes bob's position and collateral after the risk index gave him a band at the new
  // prices: the write must put him back in front of the index, or no band crossing would.
  const { f, mm, bob } = await bankruptAgainstThinCounterparty(t);
  t.is(eventsOf(f.last!.events, "deleverage").length, 1);
  t.true((await subaccount(f, bob.address))!.liquidatable, "ADL left bob under maintenance");
  assertOk(t, await send(f, mm, [deposit(mm.address, 1n)]));
  const liquidations = eventsOf(f.last!.events, "liquidation").filter((e) => e["owner"] === bob.address);
  t.is(liquidations.length, 1, "bob is examined and liquidated although no price moved");
});
