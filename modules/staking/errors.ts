/** staking error codes (consensus data: never renumber a shipped code). */
import { registerError } from "../../chain/types/errors.js";
import { MODULE_NAME } from "./keys.js";

export const stakingErrors = {
  validatorNotFound: registerError(MODULE_NAME, 2, "validator does not exist"),
  validatorExists: registerError(MODULE_NAME, 3, "validator already exists for this operator"),
  pubKeyInUse: registerError(MODULE_NAME, 4, "consensus pubkey is already used by another validator"),
  invalidPubKey: registerError(MODULE_NAME, 5, "consensus pubkey must be 32 bytes of ed25519"),
  invalidMoniker: registerError(MODULE_NAME, 6, "invalid moniker"),
  invalidCommission: registerError(MODULE_NAME, 7, "invalid commission"),
  commissionChangeTooLarge: registerError(MODULE_NAME, 8, "commission change exceeds the max change rate"),
  commissionChangeTooSoon: registerError(MODULE_NAME, 9, "commission can change once per 24 hours"),
  invalidAmount: registerError(MODULE_NAME, 10, "amount must be a positive whole number"),
  wrongDenom: registerError(MODULE_NAME, 11, "wrong denom: stake is bonded in the bond denom"),
  delegationNotFound: registerError(MODULE_NAME, 12, "no delegation to this validator"),
  insufficientStake: registerError(MODULE_NAME, 13, "amount exceeds the delegation's tokens"),
  invalidExchangeRate: registerError(MODULE_NAME, 14, "invalid delegator share exchange rate"),
  nothingToWithdraw: registerError(MODULE_NAME, 15, "no delegation or commission to withdraw from"),
  insufficientCommunityPool: registerError(MODULE_NAME, 16, "the community pool holds less than the payment"),
  invalidGenesis: registerError(MODULE_NAME, 100, "invalid staking genesis"),
};
