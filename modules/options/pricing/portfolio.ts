import type { Dec } from "../../../chain/types/fixed/index.js";
import {
  DEC_ONE,
  DEC_SCALE,
  checkDec,
  decFromString,
  decToString,
  divRoundHalfEven,
} from "../../../chain/types/fixed/index.js";
import { MAX_VOLATILITY, blackScholesPrice } from "./blackScholes.js";
import { pricingErrors } from "./errors.js";
import type { PortfolioLeg, PortfolioScenarioGrid, PortfolioWorstLoss } from "./types.js";

/**
 * Opt-in portfolio margin over one underlying, in the manner of a SPAN/TIMS risk array: every
 * leg is revalued under each (spot, volatility) scenario of a grid and the margin is the
 * largest loss of the whole portfolio, so that hedges offset. Time does not pass in a
 * scenario and the rate is 0.
 */

/** A shocked volatility never goes below this (1%), or below the leg's own volatility if that is lower. */
export const PORTFOLIO_MIN_VOLATILITY: Dec = decFromString("0.01");

/** ±15% of spot in 5% steps (the outer two are where a short option's losses peak), ×30% volatility down, unchanged and up. */
export const DEFAULT_SCENARIO_GRID: PortfolioScenarioGrid = Object.freeze({
  spotShocks: Object.freeze(["-0.15", "-0.1", "-0.05", "0", "0.05", "0.1", "0.15"].map(decFromString)),
  volShocks: Object.freeze(["-0.3", "0", "0.3"].map(decFromString)),
});

/**
 * The largest loss of `legs` over `grid`: loss = Σ size·(value now − value in the scenario),
 * with the spot at spot·(1 + spotShock) and each option's volatility at vol·(1 + volShock)
 * (floored, see PORTFOLIO_MIN_VOLATILITY, and capped at MAX_VOLATILITY); a perpetual's value
 * is size·spot. Losses are summed exactly and rounded once; worstLoss = max(0, largest
 * loss). Ties go to the first scenario in grid order (spot shocks outer, vol shocks inner).
 */
export function portfolioWorstLoss(
  legs: readonly PortfolioLeg[],
  spot: Dec,
  grid: PortfolioScenarioGrid,
): PortfolioWorstLoss {
  if (spot <= 0n) throw pricingErrors.invalidSpot(undefined, { spot: decToString(spot) });
  checkGrid(grid);
  for (const leg of legs) checkLeg(leg);
  // Σ size·value at scale 1e36: exact, so the order of the legs cannot change the result.
  const valueNow = legs.reduce((sum, leg) => sum + leg.size * legPrice(leg, spot, 0n), 0n);
  let worst: { loss: bigint; spotShock: Dec; volShock: Dec } | undefined;
  for (const spotShock of grid.spotShocks) {
    const shockedSpot = divRoundHalfEven(spot * (DEC_ONE + spotShock), DEC_SCALE);
    for (const volShock of grid.volShocks) {
      const value = legs.reduce((sum, leg) => sum + leg.size * legPrice(leg, shockedSpot, volShock), 0n);
      const loss = valueNow - value;
      if (worst === undefined || loss > worst.loss) worst = { loss, spotShock, volShock };
    }
  }
  // checkGrid guarantees at least one scenario.
  const { loss, spotShock, volShock } = worst!;
  const worstLoss = loss > 0n ? checkDec(divRoundHalfEven(loss, DEC_SCALE), "portfolioWorstLoss") : 0n;
  return { worstLoss, scenario: { spotShock, volShock } };
}

function legPrice(leg: PortfolioLeg, spot: Dec, volShock: Dec): Dec {
  if (leg.kind === "perpetual") return spot;
  // checkLeg has made sure these are present.
  const volatility = leg.volatility!;
  const shocked = divRoundHalfEven(volatility * (DEC_ONE + volShock), DEC_SCALE);
  const floor = volatility < PORTFOLIO_MIN_VOLATILITY ? volatility : PORTFOLIO_MIN_VOLATILITY;
  // Capped where pricing stops accepting it, so that a shock up never fails a margin check.
  const capped = shocked < MAX_VOLATILITY ? shocked : MAX_VOLATILITY;
  return blackScholesPrice({
    kind: leg.kind,
    spot,
    strike: leg.strike!,
    timeToExpiry: leg.timeToExpiry!,
    volatility: capped > floor ? capped : floor,
  });
}

function checkLeg(leg: PortfolioLeg): void {
  if (leg.kind === "perpetual") return;
  if (leg.strike === undefined || leg.timeToExpiry === undefined || leg.volatility === undefined) {
    throw pricingErrors.invalidLeg(undefined, { kind: leg.kind });
  }
}

function checkGrid(grid: PortfolioScenarioGrid): void {
  if (grid.spotShocks.length === 0 || grid.volShocks.length === 0) {
    throw pricingErrors.invalidScenarioGrid("empty scenario grid");
  }
  for (const shock of grid.spotShocks) {
    if (shock <= -DEC_ONE) throw pricingErrors.invalidScenarioGrid(undefined, { spotShock: decToString(shock) });
  }
  for (const shock of grid.volShocks) {
    if (shock < -DEC_ONE) throw pricingErrors.invalidScenarioGrid(undefined, { volShock: decToString(shock) });
  }
}
