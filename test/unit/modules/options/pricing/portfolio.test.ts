import test from "ava";
import fc from "fast-check";
import { assertProperty } from "../../../../helpers/property.js";
import type { Dec } from "../../../../../chain/types/fixed/index.js";
import { DEC_ONE, decFromString, mul, neg } from "../../../../../chain/types/fixed/index.js";
import type { PortfolioLeg, PortfolioScenarioGrid } from "../../../../../modules/options/pricing/index.js";
import {
  DEFAULT_SCENARIO_GRID,
  MAX_VOLATILITY,
  PORTFOLIO_MIN_VOLATILITY,
  blackScholes,
  blackScholesPrice,
  portfolioWorstLoss,
  pricingErrors,
  shortOptionMargin,
} from "../../../../../modules/options/pricing/index.js";

const d = decFromString;
const spot = d("3000");
const month = d("0.082191780821917808"); // 30 days
const volatility = d("0.6");
const marginParams = { otmFactor: d("0.15"), minFactor: d("0.1") };

function option(kind: "call" | "put", size: Dec, strike: Dec, vol: Dec = volatility): PortfolioLeg {
  return { kind, size, strike, timeToExpiry: month, volatility: vol };
}

function perpetual(size: Dec): PortfolioLeg {
  return { kind: "perpetual", size };
}

test("the default grid shocks spot by −15%…+15% in 5% steps and volatility by −30%, 0 and +30%", (t) => {
  t.deepEqual(DEFAULT_SCENARIO_GRID.spotShocks, ["-0.15", "-0.1", "-0.05", "0", "0.05", "0.1", "0.15"].map(d));
  t.deepEqual(DEFAULT_SCENARIO_GRID.volShocks, ["-0.3", "0", "0.3"].map(d));
});

test("an empty portfolio has no loss", (t) => {
  t.is(portfolioWorstLoss([], spot, DEFAULT_SCENARIO_GRID).worstLoss, 0n);
});

test("a long perpetual loses size·15% of spot, in the first scenario of the grid among equal losses", (t) => {
  // Volatility does not move a perpetual: all three −15% scenarios tie; the first wins.
  t.deepEqual(portfolioWorstLoss([perpetual(d("2"))], spot, DEFAULT_SCENARIO_GRID), {
    worstLoss: d("900"),
    scenario: { spotShock: d("-0.15"), volShock: d("-0.3") },
  });
  t.deepEqual(portfolioWorstLoss([perpetual(d("-2"))], spot, DEFAULT_SCENARIO_GRID).scenario, {
    spotShock: d("0.15"),
    volShock: d("-0.3"),
  });
});

test("a long call hedged with a short perpetual at its delta needs less than a naked short call's margin", (t) => {
  const call = blackScholes({ kind: "call", spot, strike: spot, timeToExpiry: month, volatility });
  const hedged = portfolioWorstLoss(
    [option("call", DEC_ONE, spot), perpetual(neg(call.delta))],
    spot,
    DEFAULT_SCENARIO_GRID,
  );
  const naked = shortOptionMargin("call", spot, spot, call.price, marginParams);
  t.true(hedged.worstLoss > 0n);
  t.true(hedged.worstLoss < naked, `${hedged.worstLoss} vs ${naked}`);
  // Long gamma: the hedged position gains on big moves, so its worst case is a volatility drop.
  t.deepEqual(hedged.scenario, { spotShock: 0n, volShock: d("-0.3") });
});

test("a short call covered by a long perpetual loses less than the naked short call and needs less than its margin", (t) => {
  const price = blackScholesPrice({ kind: "call", spot, strike: spot, timeToExpiry: month, volatility });
  const naked = portfolioWorstLoss([option("call", neg(DEC_ONE), spot)], spot, DEFAULT_SCENARIO_GRID);
  const covered = portfolioWorstLoss(
    [option("call", neg(DEC_ONE), spot), perpetual(DEC_ONE)],
    spot,
    DEFAULT_SCENARIO_GRID,
  );
  t.true(covered.worstLoss < naked.worstLoss);
  t.true(covered.worstLoss < shortOptionMargin("call", spot, spot, price, marginParams));
  t.is(naked.scenario.spotShock, d("0.15"));
  t.is(covered.scenario.spotShock, d("-0.15"));
});

test("a vertical spread's worst loss never exceeds the width between its strikes times its size", (t) => {
  const price = fc.bigInt({ min: d("1"), max: d("100000") });
  const move = fc.bigInt({ min: d("0.01"), max: d("0.5") });
  assertProperty(
    t,
    fc.property(
      fc.record({
        kind: fc.constantFrom<"call" | "put">("call", "put"),
        spot: price,
        lowerMoneyness: fc.bigInt({ min: d("0.5"), max: d("1.5") }),
        width: move,
        time: fc.bigInt({ min: d("0.0001"), max: d("2") }),
        vol: fc.bigInt({ min: d("0.05"), max: d("3") }),
        size: fc.bigInt({ min: d("0.001"), max: d("100") }),
        long: fc.boolean(),
      }),
      (s) => {
        const lower = mul(s.spot, s.lowerMoneyness);
        const upper = lower + mul(lower, s.width);
        const sign = s.long ? 1n : -1n;
        // A call spread is long the lower strike, a put spread long the upper; `long` flips both.
        const [bought, sold] = s.kind === "call" ? [lower, upper] : [upper, lower];
        const legs: PortfolioLeg[] = [
          { kind: s.kind, size: sign * s.size, strike: bought, timeToExpiry: s.time, volatility: s.vol },
          { kind: s.kind, size: -sign * s.size, strike: sold, timeToExpiry: s.time, volatility: s.vol },
        ];
        const { worstLoss } = portfolioWorstLoss(legs, s.spot, DEFAULT_SCENARIO_GRID);
        // Rounding: half a unit of the last place per leg price, two legs, now and shocked, times the size.
        return worstLoss <= mul(upper - lower, s.size) + (2n * s.size) / DEC_ONE + 1n;
      },
    ),
  );
});

test("a long straddle's worst case is at the centre of the grid: spot unchanged, volatility down", (t) => {
  const straddle = [option("call", DEC_ONE, spot), option("put", DEC_ONE, spot)];
  const { worstLoss, scenario } = portfolioWorstLoss(straddle, spot, DEFAULT_SCENARIO_GRID);
  t.deepEqual(scenario, { spotShock: 0n, volShock: d("-0.3") });
  t.true(worstLoss > 0n);
});

test("a short straddle's worst case is at the edge of the grid: the largest spot move with volatility up", (t) => {
  const straddle = [option("call", neg(DEC_ONE), spot), option("put", neg(DEC_ONE), spot)];
  const { worstLoss, scenario } = portfolioWorstLoss(straddle, spot, DEFAULT_SCENARIO_GRID);
  t.true([d("-0.15"), d("0.15")].includes(scenario.spotShock));
  t.is(scenario.volShock, d("0.3"));
  // And it is the loss of that scenario alone.
  const single: PortfolioScenarioGrid = { spotShocks: [scenario.spotShock], volShocks: [scenario.volShock] };
  t.is(portfolioWorstLoss(straddle, spot, single).worstLoss, worstLoss);
});

test("a shocked volatility is floored at 1%, or at the leg's own volatility when that is lower", (t) => {
  const down: PortfolioScenarioGrid = { spotShocks: [0n], volShocks: [d("-0.9")] };
  const atFloor = blackScholesPrice({
    kind: "call",
    spot,
    strike: spot,
    timeToExpiry: month,
    volatility: PORTFOLIO_MIN_VOLATILITY,
  });
  const now = blackScholesPrice({ kind: "call", spot, strike: spot, timeToExpiry: month, volatility: d("0.05") });
  t.is(portfolioWorstLoss([option("call", DEC_ONE, spot, d("0.05"))], spot, down).worstLoss, now - atFloor);
  // A leg already below the floor keeps its volatility: no loss from a volatility drop.
  t.is(portfolioWorstLoss([option("call", DEC_ONE, spot, d("0.005"))], spot, down).worstLoss, 0n);
});

test("a shock that would lift a volatility past the pricing's maximum is capped there, not an error", (t) => {
  const up: PortfolioScenarioGrid = { spotShocks: [0n], volShocks: [d("0.3")] };
  const leg = option("put", neg(DEC_ONE), spot, d("90"));
  const atCap = blackScholesPrice({ kind: "put", spot, strike: spot, timeToExpiry: month, volatility: MAX_VOLATILITY });
  const now = blackScholesPrice({ kind: "put", spot, strike: spot, timeToExpiry: month, volatility: d("90") });
  t.is(portfolioWorstLoss([leg], spot, up).worstLoss, atCap - now);
});

test("a portfolio that gains in every scenario has a worst loss of 0 and reports its least-gaining scenario", (t) => {
  const up: PortfolioScenarioGrid = { spotShocks: [d("0.05"), d("0.1")], volShocks: [0n] };
  t.deepEqual(portfolioWorstLoss([perpetual(DEC_ONE)], spot, up), {
    worstLoss: 0n,
    scenario: { spotShock: d("0.05"), volShock: 0n },
  });
});

test("an option leg without strike, expiry or volatility, a bad grid or a bad spot are typed pricing errors", (t) => {
  t.true(
    pricingErrors.invalidLeg.is(
      t.throws(() => portfolioWorstLoss([{ kind: "call", size: DEC_ONE, strike: spot }], spot, DEFAULT_SCENARIO_GRID)),
    ),
  );
  for (const grid of [
    { spotShocks: [], volShocks: [0n] },
    { spotShocks: [0n], volShocks: [] },
    { spotShocks: [-DEC_ONE], volShocks: [0n] },
    { spotShocks: [0n], volShocks: [-DEC_ONE - 1n] },
  ]) {
    t.true(pricingErrors.invalidScenarioGrid.is(t.throws(() => portfolioWorstLoss([], spot, grid))));
  }
  t.true(pricingErrors.invalidSpot.is(t.throws(() => portfolioWorstLoss([], 0n, DEFAULT_SCENARIO_GRID))));
});
