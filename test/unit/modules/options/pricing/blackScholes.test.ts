import test from "ava";
import fc from "fast-check";
import { assertProperty } from "../../../../helpers/property.js";
import type { Dec } from "../../../../../chain/types/fixed/index.js";
import { DEC_ONE, decFromString, exp, mul, neg } from "../../../../../chain/types/fixed/index.js";
import type { BlackScholesInput } from "../../../../../modules/options/pricing/index.js";
import {
  blackScholes,
  blackScholesPrice,
  pricingErrors,
  yearsBetween,
} from "../../../../../modules/options/pricing/index.js";

const d = decFromString;
const ULP = 1n;

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

// Inputs over the range the vectors cover: spot 0.01…100,000, strike/spot 0.2…5,
// 1 hour…2 years, volatility 5%…300%, rate −5%…10%.
const spot = fc.bigInt({ min: d("0.01"), max: d("100000") });
const moneyness = fc.bigInt({ min: d("0.2"), max: d("5") });
const time = fc.bigInt({ min: yearsBetween(0n, 3600n), max: d("2") });
const volatility = fc.bigInt({ min: d("0.05"), max: d("3") });
const rate = fc.bigInt({ min: d("-0.05"), max: d("0.1") });
const market = fc.record({ spot, moneyness, time, volatility, rate }).map((m) => ({
  spot: m.spot,
  strike: mul(m.spot, m.moneyness) === 0n ? 1n : mul(m.spot, m.moneyness),
  timeToExpiry: m.time,
  volatility: m.volatility,
  rate: m.rate,
}));
type Market = Omit<BlackScholesInput, "kind">;

/** K·e^(−rT) computed in Decs: within K·1e-18 + 1e-18 of the exact value. */
function discountedStrike(m: Market): Dec {
  return mul(m.strike, exp(neg(mul(m.rate ?? 0n, m.timeToExpiry))));
}

/** The slack a Dec-computed K·e^(−rT) needs on top of the pricing's own error. */
function discountSlack(m: Market): bigint {
  return 2n * ULP + (2n * m.strike) / DEC_ONE;
}

test("put-call parity: C − P = S − K·e^(−rT) within 1e-18 + 2e-18·K", (t) => {
  assertProperty(
    t,
    fc.property(market, (m) => {
      const call = blackScholes({ kind: "call", ...m }).price;
      const put = blackScholes({ kind: "put", ...m }).price;
      return abs(call - put - (m.spot - discountedStrike(m))) <= ULP + discountSlack(m);
    }),
  );
});

test("put-call parity holds to one unit of the last place when the rate is 0", (t) => {
  assertProperty(
    t,
    fc.property(market, (m) => {
      const undiscounted = { ...m, rate: 0n };
      const call = blackScholes({ kind: "call", ...undiscounted }).price;
      const put = blackScholes({ kind: "put", ...undiscounted }).price;
      return abs(call - put - (m.spot - m.strike)) <= ULP;
    }),
  );
});

test("a call's price rises and a put's falls with the spot (within one unit of the last place)", (t) => {
  assertProperty(
    t,
    fc.property(market, spot, (m, otherSpot) => {
      const [low, high] = m.spot < otherSpot ? [m.spot, otherSpot] : [otherSpot, m.spot];
      const price = (kind: "call" | "put", s: Dec) => blackScholesPrice({ kind, ...m, spot: s });
      return price("call", high) >= price("call", low) - ULP && price("put", high) <= price("put", low) + ULP;
    }),
  );
});

test("both calls and puts gain value with volatility (within one unit of the last place)", (t) => {
  assertProperty(
    t,
    fc.property(market, volatility, (m, otherVolatility) => {
      const [low, high] =
        m.volatility < otherVolatility ? [m.volatility, otherVolatility] : [otherVolatility, m.volatility];
      return (["call", "put"] as const).every(
        (kind) =>
          blackScholesPrice({ kind, ...m, volatility: high }) >=
          blackScholesPrice({ kind, ...m, volatility: low }) - ULP,
      );
    }),
  );
});

test("prices stay within the no-arbitrage bounds: max(S − Ke^(−rT), 0) ≤ C ≤ S and max(Ke^(−rT) − S, 0) ≤ P ≤ Ke^(−rT)", (t) => {
  assertProperty(
    t,
    fc.property(market, (m) => {
      const call = blackScholesPrice({ kind: "call", ...m });
      const put = blackScholesPrice({ kind: "put", ...m });
      const strike = discountedStrike(m);
      const slack = ULP + discountSlack(m);
      const callFloor = m.spot - strike > 0n ? m.spot - strike : 0n;
      const putFloor = strike - m.spot > 0n ? strike - m.spot : 0n;
      return call >= callFloor - slack && call <= m.spot + ULP && put >= putFloor - slack && put <= strike + slack;
    }),
  );
});

test("delta is in [0, 1] for calls and [−1, 0] for puts, and gamma and vega are never negative", (t) => {
  assertProperty(
    t,
    fc.property(market, (m) => {
      const call = blackScholes({ kind: "call", ...m });
      const put = blackScholes({ kind: "put", ...m });
      return (
        call.delta >= 0n &&
        call.delta <= DEC_ONE &&
        put.delta >= -DEC_ONE &&
        put.delta <= 0n &&
        [call.gamma, call.vega, put.gamma, put.vega].every((g) => g >= 0n)
      );
    }),
  );
});

test("call and put share gamma and vega, and their deltas differ by exactly one", (t) => {
  assertProperty(
    t,
    fc.property(market, (m) => {
      const call = blackScholes({ kind: "call", ...m });
      const put = blackScholes({ kind: "put", ...m });
      return call.gamma === put.gamma && call.vega === put.vega && call.delta - put.delta === DEC_ONE;
    }),
  );
});

test("a long option's theta is negative when the rate is 0", (t) => {
  assertProperty(
    t,
    fc.property(market, (m) =>
      (["call", "put"] as const).every((kind) => blackScholes({ kind, ...m, rate: 0n }).theta <= 0n),
    ),
  );
});

const atExpiry = { spot: d("100"), timeToExpiry: 0n, volatility: d("0.6") };

test("at expiry an option is worth its intrinsic value, with delta 1 or 0 and no gamma, vega or theta", (t) => {
  t.deepEqual(blackScholes({ kind: "call", ...atExpiry, strike: d("90") }), {
    price: d("10"),
    delta: DEC_ONE,
    gamma: 0n,
    vega: 0n,
    theta: 0n,
  });
  t.deepEqual(blackScholes({ kind: "put", ...atExpiry, strike: d("90") }), {
    price: 0n,
    delta: 0n,
    gamma: 0n,
    vega: 0n,
    theta: 0n,
  });
  t.deepEqual(blackScholes({ kind: "put", ...atExpiry, strike: d("110"), rate: d("0.05") }), {
    price: d("10"),
    delta: -DEC_ONE,
    gamma: 0n,
    vega: 0n,
    theta: 0n,
  });
});

test("exactly at the money at expiry, delta is +½ for a call and −½ for a put, and the price is 0", (t) => {
  const call = blackScholes({ kind: "call", ...atExpiry, strike: d("100") });
  const put = blackScholes({ kind: "put", ...atExpiry, strike: d("100") });
  t.is(call.price, 0n);
  t.is(put.price, 0n);
  t.is(call.delta, d("0.5"));
  t.is(put.delta, d("-0.5"));
});

test("with zero volatility the value is the discounted forward payoff and theta is the carry of the strike", (t) => {
  const m = { spot: d("100"), strike: d("100"), timeToExpiry: DEC_ONE, volatility: 0n, rate: d("0.05") };
  // 100·e^(−0.05) = 95.122942450071400909… (mpmath)
  const discounted = d("95.122942450071400909");
  const call = blackScholes({ kind: "call", ...m });
  t.true(abs(call.price - (d("100") - discounted)) <= ULP);
  t.is(call.delta, DEC_ONE);
  // θ = −r·K·e^(−rT) = −4.756147122503570045… (mpmath)
  t.true(abs(call.theta - d("-4.756147122503570045")) <= ULP);
  t.deepEqual(blackScholes({ kind: "put", ...m }), { price: 0n, delta: 0n, gamma: 0n, vega: 0n, theta: 0n });
});

test("far out of the money, where Φ saturates, the price and the greeks are exactly 0", (t) => {
  const m = { spot: d("3000"), strike: d("6000"), timeToExpiry: yearsBetween(0n, 86_400n), volatility: d("0.05") };
  t.deepEqual(blackScholes({ kind: "call", ...m }), { price: 0n, delta: 0n, gamma: 0n, vega: 0n, theta: 0n });
  const deepPut = blackScholes({ kind: "put", ...m });
  t.is(deepPut.price, d("3000"));
  t.is(deepPut.delta, -DEC_ONE);
});

test("invalid inputs are typed pricing errors", (t) => {
  const good: BlackScholesInput = {
    kind: "call",
    spot: d("100"),
    strike: d("100"),
    timeToExpiry: d("0.5"),
    volatility: d("0.6"),
  };
  const cases: [Partial<BlackScholesInput>, typeof pricingErrors.invalidSpot][] = [
    [{ spot: 0n }, pricingErrors.invalidSpot],
    [{ spot: d("-1") }, pricingErrors.invalidSpot],
    [{ strike: 0n }, pricingErrors.invalidStrike],
    [{ timeToExpiry: -1n }, pricingErrors.invalidTimeToExpiry],
    [{ timeToExpiry: d("100.000000000000000001") }, pricingErrors.invalidTimeToExpiry],
    [{ volatility: -1n }, pricingErrors.invalidVolatility],
    [{ volatility: d("100.000000000000000001") }, pricingErrors.invalidVolatility],
    [{ rate: d("1.000000000000000001") }, pricingErrors.invalidRate],
    [{ rate: d("-1.000000000000000001") }, pricingErrors.invalidRate],
  ];
  for (const [change, error] of cases) {
    const thrown = t.throws(() => blackScholes({ ...good, ...change }));
    t.true(error.is(thrown), `${JSON.stringify(change, (_, v: unknown) => String(v))}: ${thrown?.message}`);
    t.true(error.is(t.throws(() => blackScholesPrice({ ...good, ...change }))));
  }
  t.is(pricingErrors.invalidSpot.codespace, "pricing");
});

test("yearsBetween divides by a 365-day year, rounds half-even to 18 places, and is 0 backwards in time", (t) => {
  t.is(yearsBetween(1_700_000_000n, 1_700_000_000n + 365n * 86_400n), DEC_ONE);
  t.is(yearsBetween(0n, 3600n), d("0.000114155251141553")); // 1/8760 = 0.000114155251141552511…
  t.is(yearsBetween(0n, 86_400n), d("0.002739726027397260")); // 1/365 = 0.002739726027397260273…
  t.is(yearsBetween(100n, 100n), 0n);
  t.is(yearsBetween(200n, 100n), 0n);
});
