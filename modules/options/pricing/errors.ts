import { registerError } from "../../../chain/types/errors.js";

/**
 * Failures of the option-pricing and option-margin math. Codespace "pricing" (the options
 * module itself owns "options"). Codes reach tx results: never renumber one.
 */
export const PRICING_CODESPACE = "pricing";

export const pricingErrors = {
  invalidSpot: registerError(PRICING_CODESPACE, 1, "spot price must be positive"),
  invalidStrike: registerError(PRICING_CODESPACE, 2, "strike must be positive"),
  invalidTimeToExpiry: registerError(PRICING_CODESPACE, 3, "time to expiry must be between 0 and 100 years"),
  invalidVolatility: registerError(PRICING_CODESPACE, 4, "volatility must be between 0 and 100 (10,000%)"),
  invalidRate: registerError(PRICING_CODESPACE, 5, "interest rate must be between -1 and 1 (±100% a year)"),
  invalidMarkPrice: registerError(PRICING_CODESPACE, 6, "mark price must not be negative"),
  invalidMarginParams: registerError(PRICING_CODESPACE, 7, "margin factors must be between 0 and 1"),
  invalidLeg: registerError(PRICING_CODESPACE, 8, "an option leg needs a strike, a time to expiry and a volatility"),
  invalidScenarioGrid: registerError(
    PRICING_CODESPACE,
    9,
    "a scenario grid needs at least one spot shock above -1 and one volatility shock of at least -1",
  ),
} as const;
