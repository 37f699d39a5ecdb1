export { createBankKeeper, type BankHooks, type BankKeeper } from "./keeper.js";
export { createBankModule } from "./module.js";
export { bankErrors } from "./errors.js";
export { validateBankGenesis, defaultBankGenesis, exportBankGenesis, type BankGenesis } from "./genesis.js";
export type { BankAccountKeeper } from "./expectedKeepers.js";
export {
  STAKING_DENOM,
  COLLATERAL_DENOM,
  MODULE_NAME as BANK_MODULE_NAME,
  STORE_KEY as BANK_STORE_KEY,
} from "./keys.js";
