/** slashing error codes, numbered as x/slashing's where they mean the same (never renumber a shipped code). */
import { registerError } from "../../chain/types/errors.js";
import { MODULE_NAME } from "./keys.js";

export const slashingErrors = {
  noValidator: registerError(MODULE_NAME, 2, "address is not associated with any known validator"),
  validatorJailed: registerError(MODULE_NAME, 4, "validator still jailed; cannot be unjailed yet"),
  validatorNotJailed: registerError(MODULE_NAME, 5, "validator not jailed; cannot be unjailed"),
  missingSelfDelegation: registerError(MODULE_NAME, 6, "validator has no self-delegation; cannot be unjailed"),
  noSigningInfo: registerError(MODULE_NAME, 8, "no validator signing info found"),
  tombstoned: registerError(MODULE_NAME, 9, "validator double-signed and is jailed for good"),
  invalidGenesis: registerError(MODULE_NAME, 100, "invalid slashing genesis"),
};
