/** oracle's registered codes: consensus data, never renumber one. */
import { registerError } from "../../chain/types/errors.js";
import { MODULE_NAME } from "./keys.js";

export const oracleErrors = {
  unknownAsset: registerError(MODULE_NAME, 2, "unknown asset: the oracle has no price for it"),
  stalePrice: registerError(MODULE_NAME, 3, "stale oracle price"),
  notFeeder: registerError(MODULE_NAME, 4, "not an oracle feeder: only feeders listed in the oracle may submit prices"),
  invalidPrice: registerError(MODULE_NAME, 5, "invalid price: must be a positive decimal with at most 18 places"),
  invalidAsset: registerError(MODULE_NAME, 6, "invalid asset symbol: use 1-16 upper-case letters and digits"),
  duplicateAsset: registerError(MODULE_NAME, 7, "asset appears twice in one submission"),
  noPrices: registerError(MODULE_NAME, 8, "a submission must carry at least one price"),
  invalidWindow: registerError(MODULE_NAME, 9, "invalid TWAP window"),
  notValidator: registerError(MODULE_NAME, 10, "not a bonded validator's operator: only one may register a feeder"),
  feederTaken: registerError(
    MODULE_NAME,
    11,
    "this account cannot be a validator's feeder: it is a validator's operator, or another validator's feeder",
  ),
  invalidGenesis: registerError(MODULE_NAME, 100, "invalid oracle genesis"),
};
