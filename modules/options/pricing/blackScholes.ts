import type { Dec } from "../../../chain/types/fixed/index.js";
import { DEC_ONE, DEC_SCALE, checkDec, decToString, divRoundHalfEven } from "../../../chain/types/fixed/index.js";
import { pricingErrors } from "./errors.js";
import { normalCdf, normalCdfAndPdf } from "./normal.js";
import type { BlackScholesInput, Greeks } from "./types.js";
import {
  WORK_BITS,
  WORK_ONE,
  decToWork,
  divWork,
  expWork,
  integerSqrt,
  lnRatio,
  mulWork,
  workToDec,
} from "./workingPrecision.js";

/**
 * Black-Scholes for European, cash-settled options without dividends:
 *   d1 = (ln(S/K) + (r + σ²/2)·T) / (σ√T),  d2 = d1 − σ√T
 *   call = S·Φ(d1) − K·e^(−rT)·Φ(d2),  put = K·e^(−rT)·Φ(−d2) − S·Φ(−d1)
 * in integer arithmetic only (see workingPrecision.ts): d1 and d2 are never rounded to a
 * Dec, and each output is rounded half-even once. Precision, checked against mpmath in
 * test/vectors/options (spot 0.01…100,000, strike/spot 0.001…1000, 1 second…2 years,
 * volatility 1e-9…300%, and the limits below): every price, delta, gamma, vega and theta is
 * within 1e-18 + 1e-19·|value| of the exact value, and correctly rounded (within ½·1e-18)
 * whenever |value| < 100,000. Put-call parity holds to 1e-18 at r = 0.
 *
 * At expiry (T = 0) or with zero volatility the value is the payoff on the forward,
 * max(±(S − K·e^(−rT)), 0) (at T = 0 simply the intrinsic value), delta is 1/0 for a call
 * and −1/0 for a put, gamma = vega = 0, and theta is the carry −r·K·e^(−rT) (call) or
 * +r·K·e^(−rT) (put) in the money, 0 out of it (always 0 at T = 0 or with r = 0).
 * Exactly at the money (S = K·e^(−rT)) delta is ±½ and theta half the in-the-money value:
 * the average of both sides, which keeps delta(call) − delta(put) = 1.
 */

/** The inputs accepted: T ≤ 100 years, σ ≤ 100 (10,000%), |r| ≤ 1; beyond them a typed error. */
export const MAX_TIME_TO_EXPIRY: Dec = 100n * DEC_ONE;
export const MAX_VOLATILITY: Dec = 100n * DEC_ONE;
export const MAX_ABS_RATE: Dec = DEC_ONE;
const SECONDS_PER_YEAR = 365n * 86_400n;
const DEC_SCALE_SQUARED = DEC_SCALE * DEC_SCALE;

/** (to − from) / (365·86,400 s) as a Dec, rounded half-even; 0 when to ≤ from. */
export function yearsBetween(fromSeconds: bigint, toSeconds: bigint): Dec {
  if (toSeconds <= fromSeconds) return 0n;
  return checkDec(divRoundHalfEven((toSeconds - fromSeconds) * DEC_SCALE, SECONDS_PER_YEAR), "yearsBetween");
}

/** What every evaluation needs, in working precision. */
interface Setup {
  spot: Dec;
  volatility: Dec;
  rate: Dec;
  timeToExpiry: Dec;
  /** S, working */
  spotWork: bigint;
  /** K·e^(−rT), working */
  discountedStrike: bigint;
}

function setUp(input: BlackScholesInput): Setup {
  const { spot, strike, timeToExpiry, volatility } = input;
  const rate = input.rate ?? 0n;
  if (spot <= 0n) throw pricingErrors.invalidSpot(undefined, { spot: decToString(spot) });
  if (strike <= 0n) throw pricingErrors.invalidStrike(undefined, { strike: decToString(strike) });
  if (timeToExpiry < 0n || timeToExpiry > MAX_TIME_TO_EXPIRY) {
    throw pricingErrors.invalidTimeToExpiry(undefined, { timeToExpiry: decToString(timeToExpiry) });
  }
  if (volatility < 0n || volatility > MAX_VOLATILITY) {
    throw pricingErrors.invalidVolatility(undefined, { volatility: decToString(volatility) });
  }
  if (rate < -MAX_ABS_RATE || rate > MAX_ABS_RATE) {
    throw pricingErrors.invalidRate(undefined, { rate: decToString(rate) });
  }
  let discountedStrike = decToWork(strike);
  if (rate !== 0n && timeToExpiry !== 0n) {
    const discount = expWork(-((rate * timeToExpiry) << WORK_BITS) / DEC_SCALE_SQUARED);
    discountedStrike = (strike * discount) / DEC_SCALE;
  }
  return { spot, volatility, rate, timeToExpiry, spotWork: decToWork(spot), discountedStrike };
}

/** Terms of the formula shared by the price and the greeks. */
interface Terms {
  /** √T, working */
  sqrtTime: bigint;
  /** σ√T, working */
  deviation: bigint;
  d1: bigint;
  d2: bigint;
}

function termsOf(s: Setup, input: BlackScholesInput): Terms {
  const sqrtTime = integerSqrt((s.timeToExpiry << (2n * WORK_BITS)) / DEC_SCALE);
  const deviation = (s.volatility * sqrtTime) / DEC_SCALE;
  // (r + σ²/2)·T from the exact products of the raw inputs: one truncation each.
  const drift =
    ((s.rate * s.timeToExpiry) << WORK_BITS) / DEC_SCALE_SQUARED +
    ((s.volatility * s.volatility * s.timeToExpiry) << WORK_BITS) / (2n * DEC_SCALE_SQUARED * DEC_SCALE);
  const d1 = divWork(lnRatio(input.spot, input.strike) + drift, deviation);
  return { sqrtTime, deviation, d1, d2: d1 - deviation };
}

function isDegenerate(s: Setup): boolean {
  return s.timeToExpiry === 0n || s.volatility === 0n;
}

/** Value in working precision from Φ(d1), Φ(d2); never below 0. */
function valueOf(kind: BlackScholesInput["kind"], s: Setup, cdf1: bigint, cdf2: bigint): bigint {
  const value =
    kind === "call"
      ? mulWork(s.spotWork, cdf1) - mulWork(s.discountedStrike, cdf2)
      : mulWork(s.discountedStrike, WORK_ONE - cdf2) - mulWork(s.spotWork, WORK_ONE - cdf1);
  return value > 0n ? value : 0n;
}

/** The payoff on the forward: T = 0 or σ = 0 (see the file comment for the conventions). */
function degenerate(kind: BlackScholesInput["kind"], s: Setup): Greeks {
  const forwardGap = s.spotWork - s.discountedStrike; // S − K·e^(−rT)
  const moneyness = forwardGap === 0n ? 0 : forwardGap > 0n === (kind === "call") ? 1 : -1;
  const intrinsic = kind === "call" ? forwardGap : -forwardGap;
  // −r·K·e^(−rT) for a call, +r·K·e^(−rT) for a put, when in the money; nothing at expiry.
  const carry = s.timeToExpiry === 0n ? 0n : (s.rate * s.discountedStrike) / DEC_SCALE;
  const fullTheta = kind === "call" ? -carry : carry;
  const fullDelta = kind === "call" ? DEC_ONE : -DEC_ONE;
  if (moneyness < 0) return { price: 0n, delta: 0n, gamma: 0n, vega: 0n, theta: 0n };
  if (moneyness === 0) {
    return { price: 0n, delta: fullDelta / 2n, gamma: 0n, vega: 0n, theta: workToDec(fullTheta / 2n) };
  }
  return { price: workToDec(intrinsic), delta: fullDelta, gamma: 0n, vega: 0n, theta: workToDec(fullTheta) };
}

/** Price and greeks of one European option (see the file comment for the formula and precision). */
export function blackScholes(input: BlackScholesInput): Greeks {
  const s = setUp(input);
  if (isDegenerate(s)) return degenerate(input.kind, s);
  const t = termsOf(s, input);
  const n1 = normalCdfAndPdf(t.d1);
  const cdf2 = normalCdf(t.d2);
  const price = workToDec(valueOf(input.kind, s, n1.cdf, cdf2));
  const delta = workToDec(input.kind === "call" ? n1.cdf : n1.cdf - WORK_ONE);
  // γ = φ(d1)/(S·σ√T), vega = S·φ(d1)·√T, each from the raw products with one rounding.
  const gamma = divRoundHalfEven(n1.pdf * DEC_SCALE_SQUARED, s.spot * t.deviation);
  const vega = divRoundHalfEven(s.spot * n1.pdf * t.sqrtTime, WORK_ONE * WORK_ONE);
  // θ = −S·φ(d1)·σ/(2√T) ∓ r·K·e^(−rT)·Φ(±d2)
  const decay = ((s.spot * n1.pdf * s.volatility) << WORK_BITS) / (2n * DEC_SCALE_SQUARED * t.sqrtTime);
  const carry =
    (s.rate * s.discountedStrike * (input.kind === "call" ? cdf2 : WORK_ONE - cdf2)) / (DEC_SCALE * WORK_ONE);
  const theta = workToDec(input.kind === "call" ? -decay - carry : -decay + carry);
  return {
    price: checkDec(price, "blackScholes"),
    delta,
    gamma: checkDec(gamma, "blackScholes"),
    vega: checkDec(vega, "blackScholes"),
    theta: checkDec(theta, "blackScholes"),
  };
}

/** The price alone, identical to `blackScholes(input).price` and cheaper (no density, no greeks). */
export function blackScholesPrice(input: BlackScholesInput): Dec {
  const s = setUp(input);
  if (isDegenerate(s)) return degenerate(input.kind, s).price;
  const t = termsOf(s, input);
  return checkDec(workToDec(valueOf(input.kind, s, normalCdf(t.d1), normalCdf(t.d2))), "blackScholesPrice");
}
