/**
 * Impact prices: the average price of a fixed notional filled against one side of the book,
 * exact, absent without the depth, and read in bounded work however many orders rest ahead.
 */
import test from "ava";
import { IMPACT_MAX_ORDERS, impactPrice, type ImpactLevel } from "../../../../modules/orderbook/matching/index.js";

const USDC = 1_000_000n;
/** ETH-PERP sizes: 10^-3 contracts. */
const ETH = 1_000n;

const level = (priceUsdc: bigint, sizeEth: bigint, sizeUnits = sizeEth * ETH): ImpactLevel => ({
  price: priceUsdc * USDC,
  remaining: sizeUnits,
});

test("the impact price is the exact average of the notional filled best first, the last order in part", (t) => {
  // 5,000 USDC of asks: 3,000 at 3000 (1 ETH), then 2,000 at 3010 (2000/3010 ETH):
  // 5000 / (1 + 2000/3010) = 15,050,000 / 5,010 USDC.
  const asks = [level(3000n, 1n), level(3010n, 2n), level(3020n, 5n)];
  const p = impactPrice(asks, 5_000n * USDC, 3)!;
  t.is(p.num * 5_010n, p.den * 15_050_000n * USDC);
  // Within the best order: its price.
  const inside = impactPrice(asks, 1_000n * USDC, 3)!;
  t.is(inside.num, inside.den * 3_000n * USDC);
  // Exactly the best order's notional: its price; one uusdc more reaches the next.
  const whole = impactPrice(asks, 3_000n * USDC, 3)!;
  t.is(whole.num, whole.den * 3_000n * USDC);
  const past = impactPrice(asks, 3_000n * USDC + 1n, 3)!;
  t.true(past.num > past.den * 3_000n * USDC);
});

test("dYdX's vector: 0.1 BTC at 9,999 then 1 BTC at 9,998 sell 5,000 USDC at 9,998.2", (t) => {
  const BTC = 10_000n;
  const bids = [level(9_999n, 0n, BTC / 10n), level(9_998n, 1n, BTC)];
  const p = impactPrice(bids, 5_000n * USDC, 4)!;
  // 5000 / (0.1 + 4000.1 / 9998) = 5000 × 9998 / (999.8 + 4000.1) = 49,990,000 / 4,999.9
  t.is(p.num * 49_999n, p.den * 499_900_000n * USDC);
  t.is(p.num / p.den, 9_998_199_963n, "9,998.199963 USDC, truncated to the uusdc");
});

test("a side with less depth than the notional has no impact price", (t) => {
  t.is(impactPrice([], 1n, 3), undefined);
  t.is(impactPrice([level(3000n, 1n), level(2990n, 2n)], 9_000n * USDC, 3), undefined);
  t.truthy(impactPrice([level(3000n, 1n), level(2990n, 2n)], 8_980n * USDC, 3));
});

test("past IMPACT_MAX_ORDERS orders the side counts as thin, and no order beyond is read", (t) => {
  let read = 0;
  function* dustThenDepth(dust: number): Generator<ImpactLevel> {
    for (let i = 0; i < dust; i++) {
      read++;
      yield level(3300n, 0n, 1n);
    }
    read++;
    yield level(3000n, 100n);
  }
  for (const dust of [IMPACT_MAX_ORDERS, 5_000, 50_000]) {
    read = 0;
    t.is(impactPrice(dustThenDepth(dust), 10_000n * USDC, 3), undefined, `${dust} dust orders ahead`);
    t.true(read <= IMPACT_MAX_ORDERS + 1, `read ${read} orders`);
  }
  read = 0;
  const behind = impactPrice(dustThenDepth(IMPACT_MAX_ORDERS - 1), 10_000n * USDC, 3)!;
  t.is(read, IMPACT_MAX_ORDERS, "the depth behind one order fewer is reached");
  // n = IMPACT_MAX_ORDERS − 1 dust orders: n × 3.3 USDC at 3300, the rest at 3000, so the average is
  // 10,000 / (n / 1000 + (10,000 − 3.3 n) / 3000) = 300,000,000 / (100,000 − 3 n) USDC.
  const n = BigInt(IMPACT_MAX_ORDERS - 1);
  t.is(behind.num * (100_000n - 3n * n), behind.den * 300_000_000n * USDC);
});
