/**
 * Exchange between tokens and delegator shares (Cosmos' validator.SharesFromTokens and
 * TokensFromShares), pure integer math. Shares are Dec raw values (18 places) and start at
 * one share per token; slashing lowers a validator's tokens and leaves its shares, so a
 * share is then worth less than one token. Every rounding favours the delegators who stay.
 */
import { DEC_SCALE, type Dec } from "../../chain/types/fixed/index.js";
import { stakingErrors } from "./errors.js";

export interface ExchangeRate {
  tokens: bigint;
  shares: Dec;
}

/** Shares issued for `amount` new tokens (rounded down). */
export function sharesForTokens(v: ExchangeRate, amount: bigint): Dec {
  if (v.shares === 0n) return amount * DEC_SCALE;
  if (v.tokens === 0n)
    throw stakingErrors.invalidExchangeRate("the validator has shares but no tokens left: it cannot take delegations");
  return (amount * v.shares) / v.tokens;
}

/** What `shares` of the validator are worth in tokens (rounded down). */
export function tokensOfShares(v: ExchangeRate, shares: Dec): bigint {
  if (v.shares === 0n) return 0n;
  return (shares * v.tokens) / v.shares;
}

/**
 * The shares to burn for taking `amount` tokens out of a delegation of `held` shares:
 * rounded up (so the others are not diluted), never more than `held`; and the tokens
 * those shares release (all the validator's tokens when they are all its shares).
 */
export function unbondShares(v: ExchangeRate, amount: bigint, held: Dec): { shares: Dec; tokens: bigint } {
  const exact = (amount * v.shares + v.tokens - 1n) / v.tokens;
  const shares = exact > held ? held : exact;
  if (shares === v.shares) return { shares, tokens: v.tokens };
  return { shares, tokens: shares === held ? tokensOfShares(v, held) : amount };
}

/** Voting power of `tokens`: whole units of `powerReduction`. */
export function consensusPower(tokens: bigint, powerReduction: bigint): bigint {
  return tokens / powerReduction;
}
