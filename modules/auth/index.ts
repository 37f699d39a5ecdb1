export { createAccountKeeper, type AccountKeeper, type AccountKeeperConfig } from "./keeper.js";
export { createAuthModule } from "./module.js";
export { authErrors } from "./errors.js";
export {
  validateAuthGenesis,
  defaultAuthGenesis,
  baseAccountJson,
  exportAuthGenesis,
  type AuthGenesis,
} from "./genesis.js";
export {
  accountToAny,
  accountFromAny,
  pubKeyToAny,
  DEFAULT_AUTH_PARAMS,
  type Account,
  type AuthParams,
} from "./state.js";
export { FEE_COLLECTOR, MODULE_NAME as AUTH_MODULE_NAME, STORE_KEY as AUTH_STORE_KEY } from "./keys.js";
