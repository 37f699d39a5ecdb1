import type { Dec } from "../../../chain/types/fixed/index.js";

export type OptionKind = "call" | "put";

export interface BlackScholesInput {
  kind: OptionKind;
  spot: Dec;
  strike: Dec;
  /** years to expiry, >= 0 */
  timeToExpiry: Dec;
  /** annualised implied volatility, e.g. 0.6 */
  volatility: Dec;
  /** annual risk-free rate, continuously compounded; default 0 */
  rate?: Dec;
}

export interface Greeks {
  price: Dec;
  delta: Dec;
  gamma: Dec;
  /** per 1.00 (100 vol points) change of volatility */
  vega: Dec;
  /** per year (divide by 365 for per day); negative for a long option normally */
  theta: Dec;
}

export interface ShortOptionMarginParams {
  /** e.g. 0.15 */
  otmFactor: Dec;
  /** e.g. 0.10 */
  minFactor: Dec;
}

export interface PortfolioLeg {
  kind: OptionKind | "perpetual";
  /** signed: + long, - short, in units of the underlying */
  size: Dec;
  strike?: Dec;
  timeToExpiry?: Dec;
  volatility?: Dec;
  /** for perpetuals: entry-independent; PnL is size*(shockedSpot - spot) */
}

export interface PortfolioScenarioGrid {
  /** relative moves of the spot, e.g. -0.15 … +0.15; each > -1 */
  spotShocks: readonly Dec[];
  /** relative moves of every leg's volatility, e.g. -0.3, 0, +0.3; each >= -1 */
  volShocks: readonly Dec[];
}

export interface PortfolioScenario {
  spotShock: Dec;
  volShock: Dec;
}

export interface PortfolioWorstLoss {
  /** max(0, the largest loss over the grid) */
  worstLoss: Dec;
  /** the first scenario, in grid order, with the largest loss */
  scenario: PortfolioScenario;
}
