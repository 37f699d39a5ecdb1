export {
  createOracleKeeper,
  type OracleKeeper,
  type OracleKeeperOptions,
  type OraclePrice,
  type BlockPoint,
} from "./keeper.js";
export { createOracleModule } from "./module.js";
export { oracleErrors } from "./errors.js";
export {
  addOracleFeeder,
  addValidatorFeeder,
  defaultOracleGenesis,
  exportOracleGenesis,
  trimDec,
  validateOracleGenesis,
  type OracleGenesis,
} from "./genesis.js";
export type { FeederWeights, ValidatorPowers } from "./expectedKeepers.js";
export { createListedFeederWeights, createOracleFeederWeights, validatorOfFeeder } from "./feederWeights.js";
export { weightedMedian, type WeightedVote } from "./median.js";
export { DEFAULT_ORACLE_PARAMS, type OracleParams } from "./state.js";
export { isValidAssetSymbol, parseAssetPrices, parsePrice } from "./validation.js";
export { oraclePriceToProto } from "./queryServer.js";
export {
  MODULE_NAME as ORACLE_MODULE_NAME,
  STORE_KEY as ORACLE_STORE_KEY,
  MSG_SUBMIT_PRICES_TYPE_URL,
  QUERY_PATH_PREFIX as ORACLE_QUERY_PATH_PREFIX,
} from "./keys.js";
