/** auth's own codes; signature, sequence and address failures use the SDK root codes (cosmjs knows them). */
import { registerError } from "../../chain/types/errors.js";
import { MODULE_NAME } from "./keys.js";

export const authErrors = {
  invalidGenesis: registerError(MODULE_NAME, 2, "invalid auth genesis"),
  duplicateAccount: registerError(MODULE_NAME, 3, "duplicate account"),
  invalidParams: registerError(MODULE_NAME, 4, "invalid auth params"),
};
