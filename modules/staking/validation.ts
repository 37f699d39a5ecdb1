/** Stateless checks shared by messages and genesis: monikers, commission rates, amounts. */
import { DEC_ONE, decFromString, type Dec } from "../../chain/types/fixed/index.js";
import { isStrikeError } from "../../chain/types/errors.js";
import { ED25519_PUBKEY_LENGTH } from "../../chain/crypto/ed25519.js";
import { isPrimeOrderEd25519Key } from "../../chain/crypto/ed25519Point.js";
import { stakingErrors } from "./errors.js";

export const MAX_MONIKER_LENGTH = 70;
const AMOUNT = /^[0-9]{1,60}$/;

export interface CommissionRates {
  rate: Dec;
  maxRate: Dec;
  maxChangeRate: Dec;
}

export function checkMoniker(moniker: string): void {
  if (moniker.trim() === "") throw stakingErrors.invalidMoniker("the moniker must not be empty");
  if (moniker.length > MAX_MONIKER_LENGTH)
    throw stakingErrors.invalidMoniker(`the moniker has ${moniker.length} characters, at most ${MAX_MONIKER_LENGTH}`);
}

export function checkPubKey(pubKey: Uint8Array): void {
  if (pubKey.length !== ED25519_PUBKEY_LENGTH) throw stakingErrors.invalidPubKey(`got ${pubKey.length} bytes`);
  // A small-order or non-canonical key would let anyone sign votes and receipts as this validator.
  if (!isPrimeOrderEd25519Key(pubKey))
    throw stakingErrors.invalidPubKey("not an ed25519 public key of the prime-order subgroup in canonical encoding");
}

/** A rate such as "0.1", as a Dec; a coded error names the field when it is not a decimal. */
export function parseRate(text: string, field: string): Dec {
  try {
    return decFromString(text);
  } catch (e) {
    if (isStrikeError(e)) throw stakingErrors.invalidCommission(`${field} "${text}" is not a decimal`);
    throw e;
  }
}

/** Cosmos' CommissionRates.Validate: 0 ≤ rate ≤ max rate ≤ 1 and 0 ≤ max change rate ≤ max rate. */
export function checkCommissionRates(c: CommissionRates): void {
  if (c.maxRate < 0n || c.maxRate > DEC_ONE)
    throw stakingErrors.invalidCommission("the max rate must be between 0 and 1");
  if (c.rate < 0n) throw stakingErrors.invalidCommission("the rate must not be negative");
  if (c.rate > c.maxRate) throw stakingErrors.invalidCommission("the rate must not exceed the max rate");
  if (c.maxChangeRate < 0n) throw stakingErrors.invalidCommission("the max change rate must not be negative");
  if (c.maxChangeRate > c.maxRate)
    throw stakingErrors.invalidCommission("the max change rate must not exceed the max rate");
}

/** A positive whole amount of `denom`, from a {denom, amount} coin; wrong denoms get their own code. */
export function parseStake(coin: { denom: string; amount: string } | undefined, denom?: string): bigint {
  if (coin === undefined) throw stakingErrors.invalidAmount("no amount given");
  if (!AMOUNT.test(coin.amount)) throw stakingErrors.invalidAmount(`"${coin.amount}" is not a whole number`);
  const n = BigInt(coin.amount);
  if (n <= 0n) throw stakingErrors.invalidAmount("the amount must be positive");
  if (denom !== undefined && coin.denom !== denom)
    throw stakingErrors.wrongDenom(`got ${coin.denom || "no denom"}, stake is bonded in ${denom}`);
  return n;
}
