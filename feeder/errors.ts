/** Failures of the price-feeder process: off-chain, but coded so logs and scripts can match on them. */
import { registerError } from "../chain/types/errors.js";

const CODESPACE = "feeder";

export const feederErrors = {
  unknownAsset: registerError(CODESPACE, 1, "the price source has no price for this asset"),
  httpStatus: registerError(CODESPACE, 2, "price source answered with an HTTP error"),
  timeout: registerError(CODESPACE, 3, "price source did not answer in time"),
  unreachable: registerError(CODESPACE, 4, "price source unreachable"),
  badJson: registerError(CODESPACE, 5, "price source did not return JSON"),
  missingField: registerError(CODESPACE, 6, "price field not found in the source's JSON"),
  badPrice: registerError(CODESPACE, 7, "price source returned something that is not a positive price"),
  badOption: registerError(CODESPACE, 8, "invalid feeder option"),
  noSourceAnswered: registerError(CODESPACE, 9, "no price source answered for this asset"),
  voteRefused: registerError(CODESPACE, 10, "the node refused the price vote"),
} as const;
