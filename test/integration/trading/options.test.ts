/** Options: premium, marks and greeks, short-option margin, implied volatility, settlement at expiry. */
import test, { type ExecutionContext } from "ava";
import { MarketStatus, OptionKind } from "../../../chain/codec/generated/strike/orderbook/v1/market.js";
import { defaultExpiries } from "../../../modules/orderbook/markets.js";
import { optionMarketId, orderbookErrors } from "../../../modules/orderbook/index.js";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { assertOk, assertRejected, eventsOf, uusdcOf } from "./checks.js";
import {
  EXPIRY,
  FEE_COLLECTOR_ADDRESS,
  GENESIS_SECONDS,
  createTradingFixture,
  depositAll,
  emptyBlock,
  ethCall,
  ethPut,
  insuranceFund,
  market,
  movePrice,
  openOrders,
  orderSpec,
  place,
  send,
  subaccount,
  uusdc,
  type TradingFixture,
} from "./fixture.js";
import { setImpliedVolatility } from "./messages.js";

const CALL = ethCall(3000n);
const PUT = ethPut(3200n);

async function optionTraders(t: ExecutionContext, marginParams?: Record<string, unknown>) {
  const f = await createTradingFixture({ accounts: 5, ...(marginParams === undefined ? {} : { marginParams }) });
  const [mm, alice, bob, carol] = f.accounts as [TestAccount, TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  await depositAll(f, [alice, bob], 10_000n);
  t.truthy(await subaccount(f, bob.address));
  return { f, mm, alice, bob, carol };
}

async function cross(
  t: ExecutionContext,
  f: TradingFixture,
  seller: TestAccount,
  buyer: TestAccount,
  marketId: string,
  size: string,
  price: string,
) {
  assertOk(t, await send(f, seller, [place(seller.address, orderSpec(marketId, "sell", size, price))]), "sell");
  assertOk(t, await send(f, buyer, [place(buyer.address, orderSpec(marketId, "buy", size, price))]), "buy");
}

const dec = (s: string) => Number(s);

test("buying a call pays the premium to the seller, and fees to the fee collector", async (t) => {
  const { f, mm, alice } = await optionTraders(t);
  const fees = await uusdc(f, FEE_COLLECTOR_ADDRESS);
  await cross(t, f, mm, alice, CALL, "2", "150");
  // 2 contracts at 150 = 300; taker 0.05% = 0.15, maker 0.02% = 0.06.
  t.is((await subaccount(f, alice.address))!.collateral, "9699.85");
  t.is((await subaccount(f, mm.address))!.collateral, "100299.94");
  t.is((await uusdc(f, FEE_COLLECTOR_ADDRESS)) - fees, 210_000n);
});

test("option positions show their mark, unrealized PnL and greeks with the right signs", async (t) => {
  const { f, mm, alice, bob } = await optionTraders(t);
  await cross(t, f, mm, alice, CALL, "1", "150");
  await cross(t, f, mm, bob, PUT, "1", "300");
  const long = (await subaccount(f, alice.address))!.positions[0]!;
  const mark = dec(long.markPrice);
  // An at-the-money call, 15 days out at 60% vol, is worth about 0.4·S·σ·√T ≈ 147.
  t.true(mark > 140 && mark < 155, long.markPrice);
  t.true(Math.abs(dec(long.unrealizedPnl) - (mark - 150)) < 1e-5, long.unrealizedPnl);
  t.true(dec(long.delta) > 0.45 && dec(long.delta) < 0.6, long.delta);
  t.true(dec(long.gamma) > 0);
  t.true(dec(long.vega) > 0);
  t.true(dec(long.theta) < 0);
  const put = (await subaccount(f, bob.address))!.positions[0]!;
  t.true(dec(put.delta) < -0.5 && dec(put.delta) > -1, put.delta);
  t.true(dec(put.gamma) > 0 && dec(put.vega) > 0 && dec(put.theta) < 0);
  const short = (await subaccount(f, mm.address))!;
  t.is(short.positions.length, 2);
  for (const p of short.positions) {
    t.true(dec(p.gamma) < 0 && dec(p.vega) < 0 && dec(p.theta) > 0, p.market);
  }
  // The subaccount's greeks are the sum of its positions'.
  t.is(dec(short.delta).toFixed(9), (dec(short.positions[0]!.delta) + dec(short.positions[1]!.delta)).toFixed(9));
});

test("selling an option needs the short-option margin; buying one needs the premium in cash", async (t) => {
  const { f, mm, carol } = await optionTraders(t);
  await depositAll(f, [carol], 400n);
  // Naked short call at the money: 20% of spot (600 USDC, CBOE's rule) on top of the option's value.
  await assertRejected(
    t,
    f,
    carol,
    [place(carol.address, orderSpec(CALL, "sell", "1", "150"))],
    orderbookErrors.insufficientMargin,
    [CALL],
  );
  await depositAll(f, [carol], 300n);
  assertOk(t, await send(f, carol, [place(carol.address, orderSpec(CALL, "sell", "1", "150"))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec(CALL, "buy", "1", "150"))]));
  const view = (await subaccount(f, carol.address))!;
  t.is(view.positions[0]!.initialMargin, "600");
  t.is(view.positions[0]!.maintenanceMargin, "480");
  t.is(view.initialMargin, "600");

  // A buyer cannot pay for options on credit: 100 USDC does not buy a 150 USDC call.
  const bob = f.accounts[2]!;
  assertOk(
    t,
    await send(f, bob, [
      { typeUrl: "/strike.margin.v1.MsgWithdraw", value: { owner: bob.address, subaccount: 0, amount: "9900000000" } },
    ]),
  );
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec(CALL, "sell", "1", "150"))]));
  await assertRejected(
    t,
    f,
    bob,
    [place(bob.address, orderSpec(CALL, "buy", "1", "150"))],
    orderbookErrors.insufficientMargin,
    [CALL],
  );
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec(CALL, "buy", "0.5", "150"))]));
  const b = (await subaccount(f, bob.address))!;
  t.true(uusdcOf(b.collateral) >= 0n, `bob's cash ${b.collateral}`);
  // The option's value is equity but not free collateral.
  t.is(b.freeCollateral, b.collateral);
});

test("the authority's new implied volatility moves the option's mark", async (t) => {
  const { f, mm, alice } = await optionTraders(t);
  await cross(t, f, mm, alice, CALL, "1", "150");
  const before = dec((await subaccount(f, alice.address))!.positions[0]!.markPrice);
  assertOk(t, await send(f, f.authority, [setImpliedVolatility(f.authority.address, CALL, "0.9")]));
  t.is((await market(f, CALL)).option!.impliedVolatility, "0.9");
  const after = dec((await subaccount(f, alice.address))!.positions[0]!.markPrice);
  t.true(after > before * 1.4, `${before} → ${after}`);
});

test("at expiry the market settles at the oracle TWAP: positions close, cash moves, orders go", async (t) => {
  const { f, mm, alice, bob } = await optionTraders(t, { settlementTwapBlocks: "4" });
  await cross(t, f, mm, alice, CALL, "1", "150");
  await cross(t, f, mm, bob, PUT, "1", "300");
  const resting = await send(f, bob, [place(bob.address, orderSpec(CALL, "buy", "1", "100"))]);
  assertOk(t, resting);
  await emptyBlock(f);
  await emptyBlock(f);
  const cash = async (a: TestAccount) => uusdcOf((await subaccount(f, a.address))!.collateral);
  const [mm0, alice0, bob0, fund0] = [await cash(mm), await cash(alice), await cash(bob), await insuranceFund(f)];
  // Two blocks at 3000, then 3300 for the last two: the 4-block TWAP is 3150.
  assertOk(t, await movePrice(f, "ETH", "3300"));
  const settled = await emptyBlock(f, EXPIRY);
  const event = eventsOf(settled.events, "option_settled").find((e) => e["market"] === CALL);
  t.is(event?.["settlement_price"], "3150.000000000000000000");
  const m = await market(f, CALL);
  t.is(m.status, MarketStatus.MARKET_STATUS_SETTLED);
  t.is(m.option!.settlementPrice, 3_150_000_000n);
  t.is((await market(f, PUT)).option!.settlementPrice, 3_150_000_000n);
  // Long call: 3150 − 3000 = 150; long put: 3200 − 3150 = 50; the short pays both.
  t.is((await cash(alice)) - alice0, 150_000_000n);
  t.is((await cash(bob)) - bob0, 50_000_000n);
  t.is((await cash(mm)) - mm0, -200_000_000n);
  t.is(await insuranceFund(f), fund0);
  for (const a of [mm, alice, bob]) t.deepEqual((await subaccount(f, a.address))!.positions, []);
  t.deepEqual(await openOrders(f, bob.address), []);
  t.true(eventsOf(settled.events, "order_cancelled").some((e) => e["reason"] === "market_settled"));
  // Every market of that expiry settled; the next expiry's did not.
  const later = optionMarketId("ETH", defaultExpiries(GENESIS_SECONDS)[1]!, 3000n, OptionKind.OPTION_KIND_CALL);
  t.is((await market(f, ethCall(2600n))).status, MarketStatus.MARKET_STATUS_SETTLED);
  t.is((await market(f, later)).status, MarketStatus.MARKET_STATUS_ACTIVE);
});
