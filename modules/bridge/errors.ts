/** bridge's registered codes: consensus data, never renumber one. */
import { registerError } from "../../chain/types/errors.js";
import { MODULE_NAME } from "./keys.js";

export const bridgeErrors = {
  notValidator: registerError(
    MODULE_NAME,
    2,
    "not a validator: only a bonded validator's operator or registered feeder account may attest deposits",
  ),
  alreadyCredited: registerError(MODULE_NAME, 3, "deposit already credited: nothing to attest"),
  alreadyAttested: registerError(MODULE_NAME, 4, "this validator already attested this deposit"),
  conflictingAttestation: registerError(
    MODULE_NAME,
    5,
    "conflicting attestation: this validator attested different contents for this deposit nonce",
  ),
  invalidDeposit: registerError(MODULE_NAME, 6, "invalid deposit attestation"),
  invalidAmount: registerError(MODULE_NAME, 7, "invalid amount: use a positive whole number of uusdc"),
  invalidL1Address: registerError(MODULE_NAME, 8, "invalid L1 address: use 0x and 40 hex digits, not the zero address"),
  insufficientWithdrawable: registerError(
    MODULE_NAME,
    9,
    "not enough withdrawable uusdc: only the free bank balance can be withdrawn; take collateral out of margin first (tx margin withdraw)",
  ),
  withdrawalNotFound: registerError(MODULE_NAME, 10, "no withdrawal with this id at this height"),
  exceedsBridgedSupply: registerError(
    MODULE_NAME,
    11,
    "withdrawal exceeds the USDC bridged to Strike: uusdc that never came from L1 cannot be paid out there",
  ),
  exitClaimNotFound: registerError(
    MODULE_NAME,
    12,
    "no exit claim for this account in the last checkpoint's exit tree: it had no equity, or no L1 address (tx bridge set-exit-address), at that checkpoint",
  ),
  invalidGenesis: registerError(MODULE_NAME, 100, "invalid bridge genesis"),
};
