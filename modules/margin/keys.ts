/** margin store layout (inside "margin/"). */
export const MODULE_NAME = "margin";
export const STORE_KEY = "margin";
/** Module account that holds every subaccount's collateral. */
export const MARGIN_ACCOUNT = "margin";
/** Module account of the insurance fund: liquidation penalties in, shortfalls out. */
export const INSURANCE_FUND = "insurance_fund";
export const COLLATERAL_DENOM = "uusdc";
export const QUOTE_DECIMALS = 6;

export const PARAMS_KEY = Uint8Array.of(0x00);
/** (owner, number) → Subaccount */
export const SUBACCOUNTS_PREFIX = Uint8Array.of(0x01);
/** (owner, number, market) → Position */
export const POSITIONS_PREFIX = Uint8Array.of(0x02);
/** (market, owner, number) → empty: the holders of each market. */
export const MARKET_HOLDERS_PREFIX = Uint8Array.of(0x03);
/** market → FundingSamples */
export const FUNDING_PREFIX = Uint8Array.of(0x04);
/** 0x06 held the chain-wide negative-equity flag (withdrawal halt); retired, never reuse it. */
/** (owner, number) → empty: accounts whose collateral or positions changed since the risk index last saw them. */
export const DIRTY_PREFIX = Uint8Array.of(0x07);
/** (owner, number) → SafeBand: the prices and time within which the account stays above maintenance margin. */
export const BANDS_PREFIX = Uint8Array.of(0x08);
/** (underlying, lower bound u128, owner, number) → empty: examined when the price falls below the bound. */
export const BAND_LOW_PREFIX = Uint8Array.of(0x09);
/** (underlying, upper bound u128, owner, number) → empty: examined when the price rises above the bound. */
export const BAND_HIGH_PREFIX = Uint8Array.of(0x0a);
/** (unix seconds, owner, number) → empty: examined again at that time (option values move with time). */
export const RECHECK_PREFIX = Uint8Array.of(0x0b);
/** (owner, number) → empty: below maintenance margin, or in debt, when last examined: examined every block. */
export const WATCHED_PREFIX = Uint8Array.of(0x0c);
/**
 * owner → empty: owners whose collateral or positions were written since the bridge last
 * computed exit claims (its checkpoint clears them), so that a checkpoint reads only those.
 */
export const EQUITY_TOUCHED_PREFIX = Uint8Array.of(0x0d);

/** A margin subaccount: its owner's address and the subaccount number. */
export interface AccountId {
  owner: string;
  number: number;
}
