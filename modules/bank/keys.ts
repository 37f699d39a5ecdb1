/** bank store layout (inside "bank/"), following x/bank's prefixes. Balance keys: 0x02 | len(addr) | addr | denom. */
export const MODULE_NAME = "bank";
export const STORE_KEY = "bank";

export const SUPPLY_PREFIX = Uint8Array.of(0x00);
export const DENOM_METADATA_PREFIX = Uint8Array.of(0x01);
export const BALANCES_PREFIX = Uint8Array.of(0x02);
export const SEND_ENABLED_PREFIX = Uint8Array.of(0x04);
export const PARAMS_KEY = Uint8Array.of(0x05);

export const STAKING_DENOM = "ustrike";
export const COLLATERAL_DENOM = "uusdc";
