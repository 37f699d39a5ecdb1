export { createOptionsModule } from "./module.js";
export { createOptionsKeeper, type OptionsKeeper } from "./keeper.js";
export { optionsErrors } from "./errors.js";
export { defaultOptionsGenesis, validateOptionsGenesis } from "./genesis.js";
export type { OptionsDeps } from "./settlement.js";
export type { OptionsMargin, OptionsMarketKeeper, OptionsOracle } from "./expectedKeepers.js";
export { MODULE_NAME as OPTIONS_MODULE_NAME } from "./keys.js";
