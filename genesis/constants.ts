/** Chain-wide names the genesis and the CLI agree on. */
/** Account addresses' bech32 prefix: one definition, the address codec's. */
export { BECH32_PREFIX } from "../chain/crypto/bech32Prefix.js";
/** Staking and fee denom. */
export const STAKE_DENOM = "ustrike";
/** Collateral denom (a USDC bridged 1:1, 6 decimals). */
export const COLLATERAL_DENOM = "uusdc";
export const DEFAULT_CHAIN_ID = "strike-local-1";
export const DEFAULT_MIN_GAS_PRICE = `0.025${STAKE_DENOM}`;
export const DEFAULT_VALIDATOR_POWER = 10n;
export const BASE_ACCOUNT_TYPE_URL = "/cosmos.auth.v1beta1.BaseAccount";
