export type {
  BlackScholesInput,
  Greeks,
  OptionKind,
  PortfolioLeg,
  PortfolioScenario,
  PortfolioScenarioGrid,
  PortfolioWorstLoss,
  ShortOptionMarginParams,
} from "./types.js";
export {
  MAX_ABS_RATE,
  MAX_TIME_TO_EXPIRY,
  MAX_VOLATILITY,
  blackScholes,
  blackScholesPrice,
  yearsBetween,
} from "./blackScholes.js";
export { shortOptionMargin } from "./shortMargin.js";
export { DEFAULT_SCENARIO_GRID, PORTFOLIO_MIN_VOLATILITY, portfolioWorstLoss } from "./portfolio.js";
export { PRICING_CODESPACE, pricingErrors } from "./errors.js";
