/** margin error codes (consensus data: never renumber a shipped code). */
import { registerError } from "../../chain/types/errors.js";
import { MODULE_NAME } from "./keys.js";

export const marginErrors = {
  insufficientMargin: registerError(MODULE_NAME, 2, "insufficient margin"),
  noSubaccount: registerError(MODULE_NAME, 3, "subaccount has no collateral: deposit first"),
  invalidAmount: registerError(MODULE_NAME, 4, "invalid amount"),
  withdrawalBelowMargin: registerError(MODULE_NAME, 5, "withdrawal would leave the subaccount below initial margin"),
  /** No longer returned (withdrawals are never halted chain-wide); kept so the code is never reused. */
  withdrawalsHalted: registerError(MODULE_NAME, 6, "withdrawals are halted while an account has negative equity"),
  wrongDenom: registerError(MODULE_NAME, 7, "collateral must be uusdc"),
  missingPrice: registerError(MODULE_NAME, 8, "no price for a position's market"),
  stalePrice: registerError(MODULE_NAME, 9, "the oracle price of a position's underlying is stale"),
  invalidGenesis: registerError(MODULE_NAME, 100, "invalid margin genesis"),
};
