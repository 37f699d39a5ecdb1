/** receipts error codes (never renumber a shipped code). */
import { registerError } from "../../chain/types/errors.js";
import { MODULE_NAME } from "./keys.js";

export const receiptsErrors = {
  invalidReceipt: registerError(MODULE_NAME, 2, "the receipt does not verify"),
  notAValidator: registerError(MODULE_NAME, 3, "the receipt's signer is not a known validator"),
  notAPromise: registerError(MODULE_NAME, 4, "a rejection promises no inclusion and cannot be violated"),
  outOfWindow: registerError(MODULE_NAME, 5, "the height is outside the window of kept header roots"),
  notCommitted: registerError(MODULE_NAME, 6, "the height is not committed yet"),
  alreadyPunished: registerError(MODULE_NAME, 7, "this sequencer was already punished for this height"),
  notProposer: registerError(
    MODULE_NAME,
    8,
    "the block at this height was proposed by another validator: the receipt was reverted (a liveness fault), not violated",
  ),
  badProof: registerError(MODULE_NAME, 9, "the Merkle proof does not lead to the kept root"),
  receiptHonoured: registerError(MODULE_NAME, 10, "the committed block honours the receipt: there is no violation"),
  notConflicting: registerError(MODULE_NAME, 11, "the two receipts do not conflict"),
  invalidMsg: registerError(MODULE_NAME, 12, "invalid receipt violation message"),
  noCommitment: registerError(
    MODULE_NAME,
    13,
    "the reporter has no report commitment: send MsgCommitReport first, and reveal after reveal_delay blocks",
  ),
  commitmentMismatch: registerError(
    MODULE_NAME,
    14,
    "the reveal opens none of the reporter's commitments: check the salt, the receipts and the reporter",
  ),
  revealTooEarly: registerError(
    MODULE_NAME,
    15,
    "the report commitment is too recent: reveal after reveal_delay blocks",
  ),
  revealTooLate: registerError(
    MODULE_NAME,
    16,
    "the report commitment expired (commit_ttl blocks): commit the report again and reveal in time",
  ),
  duplicateCommitment: registerError(MODULE_NAME, 17, "this report commitment exists already"),
  alreadyRevealed: registerError(MODULE_NAME, 18, "this report commitment was revealed already"),
  laterClaim: registerError(
    MODULE_NAME,
    19,
    "an earlier report commitment already claims this fault's reward: this reveal changes nothing",
  ),
  offenderReporter: registerError(
    MODULE_NAME,
    20,
    "the reporter is the punished validator's operator or holds stake in it: the offender's side is never paid a reward out of its own slash",
  ),
  invalidGenesis: registerError(MODULE_NAME, 100, "invalid receipts genesis"),
};
