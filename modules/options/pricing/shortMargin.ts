import type { Dec } from "../../../chain/types/fixed/index.js";
import { DEC_ONE, DEC_SCALE, checkDec, decToString } from "../../../chain/types/fixed/index.js";
import { pricingErrors } from "./errors.js";
import type { OptionKind, ShortOptionMarginParams } from "./types.js";

/**
 * Margin for a naked short option, per unit of the underlying: the CBOE/FINRA "short put or
 * call" rule (CBOE Margin Manual, "Customer Margin: Short Puts or Calls"; FINRA Rule
 * 4210(f)(2)(D)(i)): 100% of the option's market value plus 20% of the underlying's value
 * (15% for broad-based indexes) less the out-of-the-money amount, but at least the option's
 * value plus 10% of the underlying's value for a call, or of the exercise price for a put.
 * With the percentages as parameters:
 *
 *   margin = mark + max(otmFactor·spot − OTM, minFactor·(spot for a call | strike for a put))
 *   OTM    = max(strike − spot, 0) for a call, max(spot − strike, 0) for a put
 *
 * The products round up, so the margin is never below the formula's exact value (and at
 * most 1e-18 above it).
 */
export function shortOptionMargin(
  kind: OptionKind,
  spot: Dec,
  strike: Dec,
  markPrice: Dec,
  params: ShortOptionMarginParams,
): Dec {
  if (spot <= 0n) throw pricingErrors.invalidSpot(undefined, { spot: decToString(spot) });
  if (strike <= 0n) throw pricingErrors.invalidStrike(undefined, { strike: decToString(strike) });
  if (markPrice < 0n) throw pricingErrors.invalidMarkPrice(undefined, { markPrice: decToString(markPrice) });
  for (const [name, factor] of [
    ["otmFactor", params.otmFactor],
    ["minFactor", params.minFactor],
  ] as const) {
    if (factor < 0n || factor > DEC_ONE) {
      throw pricingErrors.invalidMarginParams(undefined, { [name]: decToString(factor) });
    }
  }
  const outOfTheMoney = kind === "call" ? strike - spot : spot - strike;
  const standard = mulRoundUp(params.otmFactor, spot) - (outOfTheMoney > 0n ? outOfTheMoney : 0n);
  const floor = mulRoundUp(params.minFactor, kind === "call" ? spot : strike);
  return checkDec(markPrice + (standard > floor ? standard : floor), "shortOptionMargin");
}

/** a·b for a, b ≥ 0, rounded up to 18 places. */
function mulRoundUp(a: Dec, b: Dec): Dec {
  return (a * b + DEC_SCALE - 1n) / DEC_SCALE;
}
