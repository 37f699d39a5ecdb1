/**
 * One block's funding premium from the impact prices: (max(0, bid − oracle) − max(0, oracle − ask)) / oracle,
 * exact to the last Dec unit (truncated toward zero), and a side without depth adds nothing.
 * The books are dYdX v4's premium vectors (memclob_get_premium_price_test.go), in Strike's units.
 */
import test from "ava";
import { decFromString } from "../../../../chain/types/fixed/index.js";
import { impactPremium } from "../../../../modules/margin/funding.js";
import { impactPrice, type ImpactLevel } from "../../../../modules/orderbook/matching/index.js";

const USDC = 1_000_000n;
const NOTIONAL = 5_000n * USDC;

/** Prices to uusdc, BTC sizes to BTC-PERP's size units (10^-4). */
const order = (priceUsdc: string, btc: string): ImpactLevel => ({
  price: decFromString(priceUsdc) / 10n ** 12n,
  remaining: decFromString(btc) / 10n ** 14n,
});
const impact = (orders: ImpactLevel[]) => impactPrice(orders, NOTIONAL, 4);
const oracle = (usdc: string) => decFromString(usdc);

test("bids above the oracle: the premium of the impact bid, to the last Dec unit", (t) => {
  const bid = impact([order("9999", "0.1"), order("9998", "1")]);
  const ask = impact([order("10001", "1")]);
  // 9,998.199963… / 9,000 − 1
  t.is(impactPremium(bid, ask, oracle("9000")), 110_911_107_111_031_109n);
});

test("asks below the oracle: the (negative) premium of the impact ask", (t) => {
  const bid = impact([order("9999", "1")]);
  const ask = impact([order("10001", "0.1"), order("10001.5", "0.1"), order("10002", "1")]);
  // 1 − 10,001.699949… / 10,003
  t.is(impactPremium(bid, ask, oracle("10003")), -129_966_110_014_000n);
});

test("an oracle between the impact bid and ask is no premium, whatever the best bid and ask", (t) => {
  // Best bid 9,999.9 is above the oracle, but selling 5,000 USDC averages below it.
  const bid = impact([order("9999.9", "0.1"), order("9999.5", "0.1"), order("9999", "1")]);
  const ask = impact([order("10001", "1")]);
  t.is(impactPremium(bid, ask, oracle("9999.82")), 0n);
});

test("a side without depth adds nothing; a book without depth is no premium", (t) => {
  const thinBid = impact([order("12000", "0.001")]);
  const thinAsk = impact([order("8000", "0.001")]);
  t.is(thinBid, undefined);
  t.is(thinAsk, undefined);
  t.is(impactPremium(thinBid, thinAsk, oracle("10000")), 0n);
  // The other side's depth still counts.
  const deepBid = impact([order("10100", "1")]);
  t.is(impactPremium(deepBid, thinAsk, oracle("10000")), decFromString("0.01"));
  const deepAsk = impact([order("9900", "1")]);
  t.is(impactPremium(thinBid, deepAsk, oracle("10000")), decFromString("-0.01"));
});
