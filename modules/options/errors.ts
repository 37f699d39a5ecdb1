/** options error codes (consensus data: never renumber a shipped code). */
import { registerError } from "../../chain/types/errors.js";
import { MODULE_NAME } from "./keys.js";

export const optionsErrors = {
  invalidGenesis: registerError(MODULE_NAME, 100, "invalid options genesis"),
};
