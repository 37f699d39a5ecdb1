/**
 * A withdrawal waits while one of the account's own prices is stale (its equity cannot be
 * judged). A trade must not be the way around that: value priced only by the stale mark may
 * not leave the account for a sibling subaccount that can withdraw it.
 */
import test, { type ExecutionContext } from "ava";
import { TimeInForce } from "../../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { marginErrors } from "../../../../modules/margin/index.js";
import { orderbookErrors } from "../../../../modules/orderbook/index.js";
import type { TestAccount } from "../../runtime/fixture.js";
import { assertCode, assertOk, eventsOf, uusdcOf } from "../../../integration/trading/checks.js";
import {
  createTradingFixture,
  deposit,
  movePrice,
  orderSpec,
  place,
  send,
  sendBlock,
  subaccount,
  submitPrice,
  withdraw,
} from "../../../integration/trading/fixture.js";

const IOC = { timeInForce: TimeInForce.TIME_IN_FORCE_IOC };

/**
 * Alice's subaccount 0 is long 2 ETH at 3000 (from mm), her subaccount 1 holds 1,000 USDC (and,
 * with `siblingShort`, is short 1 ETH at 3000 to mm); then only BTC is fed, so ETH goes stale at 3000.
 */
async function staleEthLong(t: ExecutionContext, siblingShort = false) {
  const f = await createTradingFixture({ accounts: 3, staleAfterSeconds: 5, insuranceFund: 10_000n });
  const [mm, alice] = f.accounts as [TestAccount, TestAccount];
  for (const r of await sendBlock(f, [
    { signer: mm, msgs: [deposit(mm.address, 100_000n)] },
    { signer: alice, msgs: [deposit(alice.address, 1_000n), deposit(alice.address, 1_000n, 1)] },
    { signer: f.feeder, msgs: [submitPrice(f.feeder.address, "ETH", "3000")] },
    { signer: f.feeder, msgs: [submitPrice(f.feeder.address, "BTC", "60000")] },
  ]))
    assertOk(t, r);
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "3", "3000"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "2", "3000"))]));
  if (siblingShort) {
    assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "3000"))]));
    assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "sell", "1", "3000", IOC), 1)]));
  }
  // The ETH vote counts for 10 blocks (max vote age), then the price goes stale 5 blocks later.
  for (let i = 0; i <= 15; i++) assertOk(t, await movePrice(f, "BTC", "60000"));
  const withdrawal = await send(f, alice, [withdraw(alice.address, 1_000_000n)]);
  assertCode(t, withdrawal, marginErrors.stalePrice);
  return { f, mm, alice };
}

test("an account holding a stale-priced position cannot pay a sibling over the odds in a fresh market", async (t) => {
  const { f, alice } = await staleEthLong(t);
  // Subaccount 1 offers 0.01 BTC at 90,000 (oracle 60,000); subaccount 0 takes it: 300 USDC of
  // its stale-valued equity would move to subaccount 1, whose only position (BTC) is fresh.
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("BTC-PERP", "sell", "0.01", "90000"), 1)]));
  const take = await send(f, alice, [place(alice.address, orderSpec("BTC-PERP", "buy", "0.01", "90000", IOC), 0)]);
  assertCode(t, take, orderbookErrors.insufficientMargin);
  t.deepEqual(eventsOf(take.events, "trade"), []);
  const sibling = (await subaccount(f, alice.address, 1))!;
  t.true(uusdcOf(sibling.equity) <= 1_000_000_000n, `nothing reached the sibling: ${sibling.equity}`);
  assertCode(t, await send(f, alice, [withdraw(alice.address, 1_001_000_000n, 1)]), marginErrors.withdrawalBelowMargin);
});

test("a partial reduce-only close at an off-market price cannot move stale-valued equity to a sibling", async (t) => {
  const { f, alice } = await staleEthLong(t, true);
  t.is((await subaccount(f, alice.address, 1))!.positions[0]?.size, "-1");
  // Subaccount 1 bids 2200 to close; subaccount 0 sells half its long into it: 800 USDC of
  // equity, valued at the stale 3000, would leave an account that still holds stale ETH.
  assertOk(
    t,
    await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "2200", { reduceOnly: true }), 1)]),
  );
  const sell = await send(f, alice, [
    place(alice.address, orderSpec("ETH-PERP", "sell", "1", "2200", { ...IOC, reduceOnly: true }), 0),
  ]);
  assertCode(t, sell, orderbookErrors.insufficientMargin);
  t.deepEqual(eventsOf(sell.events, "trade"), []);
  t.is((await subaccount(f, alice.address))!.positions[0]?.size, "2");
});

test("with a stale price, closing the whole stale position is still allowed", async (t) => {
  const { f, mm, alice } = await staleEthLong(t);
  // mm closes its own short (2 ETH, sold to alice): reduce-only orders are accepted on a stale price.
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "2", "2900", { reduceOnly: true }))]));
  const close = await send(f, alice, [
    place(alice.address, orderSpec("ETH-PERP", "sell", "2", "2900", { ...IOC, reduceOnly: true })),
  ]);
  assertOk(t, close);
  t.deepEqual((await subaccount(f, alice.address))!.positions, []);
});
