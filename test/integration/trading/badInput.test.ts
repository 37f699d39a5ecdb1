/**
 * Bad input: every rejected order, cancel, bundle or withdrawal fails with its own coded
 * error and leaves positions, collateral, books, orders and trades as they were.
 */
import test, { type ExecutionContext } from "ava";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { marginErrors } from "../../../modules/margin/index.js";
import { orderbookErrors } from "../../../modules/orderbook/index.js";
import { TimeInForce } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { assertCode, assertOk, assertRejected } from "./checks.js";
import {
  EXPIRY,
  createTradingFixture,
  depositAll,
  emptyBlocks,
  ethCall,
  movePrice,
  orderSpec,
  place,
  send,
  sendBlock,
  subaccount,
  withdraw,
  type TradingFixtureOptions,
} from "./fixture.js";
import { createMarket, ethPerpetual, leg, placeBundle, setImpliedVolatility } from "./messages.js";

const POST_ONLY = { timeInForce: TimeInForce.TIME_IN_FORCE_POST_ONLY };

async function withTraders(t: ExecutionContext, options: TradingFixtureOptions = {}) {
  const f = await createTradingFixture({ accounts: 5, ...options });
  const [mm, alice, bob] = f.accounts as [TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm, alice], 100_000n);
  // A two-sided ETH-PERP book around 3000.
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "5", "3010"))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "5", "2990"))]));
  return { f, mm, alice, bob };
}

test("a price off the market's tick is rejected with orderbook/offTick", async (t) => {
  const { f, alice } = await withTraders(t);
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3000.05"))],
    orderbookErrors.offTick,
  );
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3000.0000001"))],
    orderbookErrors.offTick,
  );
});

test("a size off the market's lot is rejected with orderbook/offLot", async (t) => {
  const { f, alice } = await withTraders(t);
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "0.0005", "3000"))],
    orderbookErrors.offLot,
  );
});

test("an order below the minimum notional is rejected with orderbook/belowMinNotional", async (t) => {
  const { f, alice } = await withTraders(t);
  // 0.001 ETH at 900 = 0.9 USDC < 1 USDC.
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "0.001", "900"))],
    orderbookErrors.belowMinNotional,
  );
});

test("an order in an unknown market is rejected with orderbook/unknownMarket", async (t) => {
  const { f, alice } = await withTraders(t);
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("DOGE-PERP", "buy", "1", "1"))],
    orderbookErrors.unknownMarket,
  );
});

test("an order in an option market past its expiry is rejected with orderbook/marketNotActive", async (t) => {
  const { f, alice } = await withTraders(t);
  // The block at expiry: the market is still active in state until its end block settles it.
  const [atExpiry] = await sendBlock(
    f,
    [{ signer: alice, msgs: [place(alice.address, orderSpec(ethCall(3000n), "buy", "1", "50"))] }],
    EXPIRY,
  );
  assertCode(t, atExpiry!, orderbookErrors.marketNotActive);
  // And once settled.
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec(ethCall(3000n), "buy", "1", "50"))],
    orderbookErrors.marketNotActive,
    ["ETH-PERP", ethCall(3000n)],
  );
});

test("a post-only order that would cross is rejected, not matched", async (t) => {
  const { f, alice } = await withTraders(t);
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3010", POST_ONLY))],
    orderbookErrors.postOnlyWouldCross,
  );
});

test("a reduce-only order that would open or increase a position is rejected", async (t) => {
  const { f, alice } = await withTraders(t);
  // No position: nothing to reduce.
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3010", { reduceOnly: true }))],
    orderbookErrors.reduceOnlyWouldIncrease,
  );
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3010"))]));
  // Long 1: buying more increases it.
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3010", { reduceOnly: true }))],
    orderbookErrors.reduceOnlyWouldIncrease,
  );
});

test("a reduce-only order larger than the position (it would flip it) is rejected", async (t) => {
  const { f, alice } = await withTraders(t);
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3010"))]));
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "sell", "1.5", "2990", { reduceOnly: true }))],
    orderbookErrors.reduceOnlyWouldIncrease,
  );
  // Exactly the position is fine.
  assertOk(
    t,
    await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "sell", "1", "2990", { reduceOnly: true }))]),
  );
  t.is((await subaccount(f, alice.address))!.positions.length, 0);
});

test("an order whose fill would breach initial margin is rejected, resting or crossing", async (t) => {
  const { f, bob } = await withTraders(t);
  await depositAll(f, [bob], 100n);
  // 1 ETH at spot 3000 needs 150 USDC of initial margin; bob has 100 (resting orders count as if filled at their limit).
  await assertRejected(
    t,
    f,
    bob,
    [place(bob.address, orderSpec("ETH-PERP", "buy", "1", "3010"))],
    orderbookErrors.insufficientMargin,
  );
  await assertRejected(
    t,
    f,
    bob,
    [place(bob.address, orderSpec("ETH-PERP", "buy", "1", "3000"))],
    orderbookErrors.insufficientMargin,
  );
  await assertRejected(
    t,
    f,
    bob,
    [place(bob.address, orderSpec("ETH-PERP", "sell", "1", "3000"))],
    orderbookErrors.insufficientMargin,
  );
  // 0.5 ETH needs 75.25: accepted.
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("ETH-PERP", "buy", "0.5", "3010"))]));
});

test("a withdrawal that would leave the account below initial margin is rejected", async (t) => {
  const { f, bob } = await withTraders(t);
  await depositAll(f, [bob], 1_000n);
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("ETH-PERP", "buy", "3", "3010"))]));
  const view = (await subaccount(f, bob.address))!;
  // Equity 1000 - fees, initial margin 3 × 3000 × 5% = 450.
  t.is(view.initialMargin, "450");
  await assertRejected(t, f, bob, [withdraw(bob.address, 600n * 1_000_000n)], marginErrors.withdrawalBelowMargin);
  // More than is deposited, without positions, is rejected too.
  await depositAll(f, [f.accounts[3]!], 10n);
  await assertRejected(
    t,
    f,
    f.accounts[3]!,
    [withdraw(f.accounts[3]!.address, 11n * 1_000_000n)],
    marginErrors.withdrawalBelowMargin,
  );
});

test("a client id already used by an open order in the market is rejected", async (t) => {
  const { f, alice } = await withTraders(t);
  assertOk(
    t,
    await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "2900", { clientId: 7n }))]),
  );
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "2800", { clientId: 7n }))],
    orderbookErrors.duplicateClientId,
  );
  // Another market may reuse it.
  assertOk(
    t,
    await send(f, alice, [place(alice.address, orderSpec("BTC-PERP", "buy", "0.01", "50000", { clientId: 7n }))]),
  );
});

test("more open orders than the market's maximum are rejected, stop orders included", async (t) => {
  const { f, alice } = await withTraders(t);
  assertOk(
    t,
    await send(f, f.authority, [createMarket(f.authority.address, ethPerpetual("ETH-SMALL", { maxOpenOrders: 2 }))]),
  );
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-SMALL", "buy", "1", "2900"))]));
  assertOk(
    t,
    await send(f, alice, [
      place(alice.address, orderSpec("ETH-SMALL", "sell", "1", "3200", { triggerType: 1, triggerPrice: "2800" })),
    ]),
  );
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-SMALL", "buy", "1", "2800"))],
    orderbookErrors.tooManyOpenOrders,
    ["ETH-SMALL"],
  );
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-SMALL", "buy", "1", "2800", { triggerType: 2, triggerPrice: "2800" }))],
    orderbookErrors.tooManyOpenOrders,
    ["ETH-SMALL"],
  );
});

test("only the authority may create markets or set implied volatility", async (t) => {
  const { f, alice } = await withTraders(t);
  await assertRejected(
    t,
    f,
    alice,
    [createMarket(alice.address, ethPerpetual("ETH-MINE"))],
    orderbookErrors.unauthorized,
  );
  await assertRejected(
    t,
    f,
    alice,
    [setImpliedVolatility(alice.address, ethCall(3000n), "0.9")],
    orderbookErrors.unauthorized,
  );
});

test("a bundle with a repeated market, an unknown market or more than four legs is rejected", async (t) => {
  const { f, alice } = await withTraders(t);
  const c = (k: bigint) => ethCall(k);
  await assertRejected(
    t,
    f,
    alice,
    [placeBundle(alice.address, [leg(c(3000n), "buy", "1", "200"), leg(c(3000n), "sell", "1", "100")])],
    orderbookErrors.invalidBundle,
  );
  await assertRejected(
    t,
    f,
    alice,
    [placeBundle(alice.address, [leg(c(3000n), "buy", "1", "200"), leg("NOPE-PERP", "sell", "1", "100")])],
    orderbookErrors.invalidBundle,
  );
  await assertRejected(
    t,
    f,
    alice,
    [
      placeBundle(
        alice.address,
        [2600n, 2800n, 3000n, 3200n, 3400n].map((k) => leg(c(k), "buy", "1", "100")),
      ),
    ],
    orderbookErrors.invalidBundle,
  );
  await assertRejected(t, f, alice, [placeBundle(alice.address, [])], orderbookErrors.invalidBundle);
});

test("with a stale oracle price only reduce-only orders are accepted", async (t) => {
  const f = await createTradingFixture({ accounts: 5, staleAfterSeconds: 2 });
  const [mm, alice] = f.accounts as [TestAccount, TestAccount];
  assertOk(t, await movePrice(f, "ETH", "3000"));
  await depositAll(f, [mm, alice], 100_000n);
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "5", "3010"))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "5", "2990"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3010"))]));
  // Votes count for 5 blocks and the price goes stale 2 blocks after the last one.
  await emptyBlocks(f, 8);
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3010"))],
    orderbookErrors.staleOracle,
  );
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "sell", "0.5", "3050"))],
    orderbookErrors.staleOracle,
  );
  const reduce = await send(f, alice, [
    place(alice.address, orderSpec("ETH-PERP", "sell", "1", "2990", { reduceOnly: true })),
  ]);
  assertOk(t, reduce, "reduce-only on a stale price");
  t.is((await subaccount(f, alice.address))!.positions.length, 0);
});

test("an order from an account without a subaccount is rejected with orderbook/noSubaccount", async (t) => {
  const { f, bob } = await withTraders(t);
  await assertRejected(
    t,
    f,
    bob,
    [place(bob.address, orderSpec("ETH-PERP", "buy", "0.01", "3010"))],
    orderbookErrors.noSubaccount,
  );
  await assertRejected(
    t,
    f,
    bob,
    [placeBundle(bob.address, [leg("ETH-PERP", "buy", "0.01", "3010")])],
    orderbookErrors.noSubaccount,
  );
  // A second, never-funded subaccount of a funded owner is no better.
  const [, alice] = f.accounts;
  await assertRejected(
    t,
    f,
    alice!,
    [place(alice!.address, orderSpec("ETH-PERP", "buy", "0.01", "3010"), 1)],
    orderbookErrors.noSubaccount,
  );
});

test("malformed decimal prices and sizes are rejected with invalidPrice or invalidSize", async (t) => {
  const { f, alice } = await withTraders(t);
  for (const size of ["1e3", "abc", "1.2.3", "", ".5", "1,5", "0x10", "١"])
    await assertRejected(
      t,
      f,
      alice,
      [place(alice.address, orderSpec("ETH-PERP", "buy", size, "3000"))],
      orderbookErrors.invalidSize,
    );
  for (const price of ["3e3", "three", "", "-3000", "3000 USDC"])
    await assertRejected(
      t,
      f,
      alice,
      [place(alice.address, orderSpec("ETH-PERP", "buy", "1", price))],
      orderbookErrors.invalidPrice,
    );
});

test("zero and negative sizes and a zero price are rejected", async (t) => {
  const { f, alice } = await withTraders(t);
  for (const size of ["0", "0.000", "-1"])
    await assertRejected(
      t,
      f,
      alice,
      [place(alice.address, orderSpec("ETH-PERP", "buy", size, "3000"))],
      orderbookErrors.invalidSize,
    );
  await assertRejected(
    t,
    f,
    alice,
    [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "0"))],
    orderbookErrors.invalidPrice,
  );
});

test("a malformed deposit or withdrawal amount is rejected with margin/invalidAmount", async (t) => {
  const { f, alice } = await withTraders(t);
  for (const amount of ["0", "-5", "1.5", "abc"])
    await assertRejected(
      t,
      f,
      alice,
      [{ typeUrl: "/strike.margin.v1.MsgDeposit", value: { owner: alice.address, subaccount: 0, amount } }],
      marginErrors.invalidAmount,
    );
  await assertRejected(t, f, alice, [withdraw(alice.address, 0n)], marginErrors.invalidAmount);
});
