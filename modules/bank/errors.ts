/** x/bank's codes (types/errors.go), kept so that the numbers mean the same as on any Cosmos chain. */
import { registerError } from "../../chain/types/errors.js";
import { MODULE_NAME } from "./keys.js";

export const bankErrors = {
  noInputs: registerError(MODULE_NAME, 2, "no inputs to send transaction"),
  noOutputs: registerError(MODULE_NAME, 3, "no outputs to send transaction"),
  inputOutputMismatch: registerError(MODULE_NAME, 4, "sum inputs != sum outputs"),
  sendDisabled: registerError(MODULE_NAME, 5, "send transactions are disabled"),
  denomMetadataNotFound: registerError(MODULE_NAME, 6, "client denom metadata not found"),
  invalidKey: registerError(MODULE_NAME, 7, "invalid key"),
  duplicateEntry: registerError(MODULE_NAME, 8, "duplicate entry"),
  multipleSenders: registerError(MODULE_NAME, 9, "multiple senders not allowed"),
  invalidGenesis: registerError(MODULE_NAME, 100, "invalid bank genesis"),
};
