export { createOptionsModule } from "./module.js";
export { optionGreeks, optionPortfolioWorstLoss, optionShortMargin, payoffPerContract } from "./pricer.js";
export type { OptionsDeps } from "./settlement.js";
