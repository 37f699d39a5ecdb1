/**
 * Issue 8, hole 1: a trade that only reduces positions may leave an account under initial
 * margin only if its collateralisation does not get worse, and no trade may leave an account
 * below zero equity; self-trade prevention can cover all subaccounts of one owner.
 */
import test, { type ExecutionContext } from "ava";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { TimeInForce } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { marginErrors } from "../../../modules/margin/index.js";
import { orderbookErrors } from "../../../modules/orderbook/index.js";
import { assertCode, assertOk, eventsOf, uusdcOf } from "./checks.js";
import {
  createTradingFixture,
  deposit,
  depositAll,
  insuranceFund,
  movePrice,
  openOrders,
  orderSpec,
  place,
  send,
  subaccount,
  withdraw,
} from "./fixture.js";

/** Alice's subaccount 0 is long 1 ETH at 3000 on 200 USDC; her subaccount 1 holds 5,000 USDC. */
async function setup(t: ExecutionContext) {
  const f = await createTradingFixture({ accounts: 4, insuranceFund: 10_000n });
  const [mm, alice] = f.accounts as [TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  await depositAll(f, [alice], 200n);
  assertOk(t, await send(f, alice, [deposit(alice.address, 5_000n, 1)]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "1", "3000"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3000"))]));
  return { f, mm, alice };
}

test("a reducing trade that would leave the account below zero equity is refused: the two-subaccount drain fails", async (t) => {
  const { f, alice } = await setup(t);
  const fund0 = await insuranceFund(f);
  // The sibling bids 1 USDC; subaccount 0 tries to dump its long into it.
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "1"), 1)]));
  assertCode(
    t,
    await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "sell", "1", "1"), 0)]),
    orderbookErrors.insufficientMargin,
  );
  // Nor may it rest an ask at 1 USDC for the sibling to take: the resting order is checked as if filled.
  assertCode(
    t,
    await send(f, alice, [
      place(
        alice.address,
        orderSpec("ETH-PERP", "sell", "1", "2", { timeInForce: TimeInForce.TIME_IN_FORCE_POST_ONLY }),
        0,
      ),
    ]),
    orderbookErrors.insufficientMargin,
  );
  t.is((await subaccount(f, alice.address, 0))!.positions[0]!.size, "1", "the long was not sold at 1 USDC");
  t.deepEqual((await subaccount(f, alice.address, 1))!.positions, []);
  // Nothing to drain: the sibling cannot withdraw more than it deposited, and the fund paid nothing.
  assertCode(t, await send(f, alice, [withdraw(alice.address, 5_001_000_000n, 1)]), marginErrors.withdrawalBelowMargin);
  t.is(await insuranceFund(f), fund0);
});

test("a reducing trade under initial margin is allowed when it improves collateralisation", async (t) => {
  const { f, mm, alice } = await setup(t);
  // At 2900: equity 200 − 1.5 − 100 = 98.5 < initial 145 (but above maintenance 87).
  assertOk(t, await movePrice(f, "ETH", "2900"));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "2900"))]));
  // Selling 0.2 at the mark leaves 98.21 against 116: still under initial margin, but better.
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "sell", "0.2", "2900"))]));
  const a = (await subaccount(f, alice.address))!;
  t.is(a.positions[0]!.size, "0.8");
  t.true(uusdcOf(a.equity) < uusdcOf(a.initialMargin));
});

test("a reducing trade under initial margin that worsens collateralisation is refused", async (t) => {
  const { f, mm, alice } = await setup(t);
  assertOk(t, await movePrice(f, "ETH", "2900"));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "2500"))]));
  // Selling 0.2 at 2500 keeps equity positive (18.25) but drops it from 68% of initial margin to 16%.
  assertCode(
    t,
    await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "sell", "0.2", "2500"))]),
    orderbookErrors.insufficientMargin,
  );
  t.is((await subaccount(f, alice.address))!.positions[0]!.size, "1");
});

test("self-trade prevention across all subaccounts expires the sibling's resting order instead of trading", async (t) => {
  const { f, alice, mm } = await setup(t);
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "0.5", "2990"), 1)]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "0.5", "2980"))]));
  const res = await send(f, alice, [
    place(alice.address, orderSpec("ETH-PERP", "sell", "0.5", "2980", { selfTradeAllSubaccounts: true }), 0),
  ]);
  assertOk(t, res);
  t.deepEqual(
    eventsOf(res.events, "order_cancelled").map((e) => [e["subaccount"], e["reason"]]),
    [["1", "self_trade"]],
  );
  t.deepEqual((await subaccount(f, alice.address, 1))!.positions, [], "the sibling did not trade");
  t.is((await subaccount(f, alice.address, 0))!.positions[0]!.size, "0.5", "the rest filled against someone else");
  t.deepEqual(await openOrders(f, alice.address), []);
});

test("without the option, sibling subaccounts trade with each other as separate accounts", async (t) => {
  const { f, alice } = await setup(t);
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "0.5", "2990"), 1)]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "sell", "0.5", "2990"), 0)]));
  t.is((await subaccount(f, alice.address, 1))!.positions[0]!.size, "0.5");
});
