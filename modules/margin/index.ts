export { createMarginKeeper, applyDelta, type MarginKeeper, type TradeDelta } from "./keeper.js";
export { createMarginModule } from "./module.js";
export { deleveragePosition } from "./deleverage.js";
export { settleMarketPositions } from "./settlement.js";
export { marginErrors } from "./errors.js";
export { defaultMarginGenesis } from "./genesis.js";
export { sizeToContracts, usdcToUusdcCeil, usdcToUusdcFloor, uusdcToUsdc, type AccountRisk } from "./risk.js";
export { getParams as getMarginParams, type AccountId } from "./state.js";
export { MARGIN_ACCOUNT, INSURANCE_FUND, MODULE_NAME as MARGIN_MODULE_NAME } from "./keys.js";
export type { OptionPricer, PriceReader, OptionGreeks, PortfolioPosition, RiskContext } from "./expectedKeepers.js";
export {
  liquidatableAccounts,
  planLiquidation,
  settleLiquidation,
  type LiquidationPlan,
  type LiquidationTarget,
} from "./liquidation.js";
export { parseMarginGenesis } from "./genesis.js";
export { markHoldersDirty } from "./riskIndex.js";
