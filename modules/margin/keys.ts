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
/** Set while some account has negative equity: withdrawals wait until it is covered. */
/** 0x06 held the chain-wide negative-equity flag (withdrawal halt); retired, never reuse it. */
