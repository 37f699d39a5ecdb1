/** auth store layout (inside "auth/"): params, accounts by address bytes, the account-number counter. */
export const MODULE_NAME = "auth";
export const STORE_KEY = "auth";

export const PARAMS_KEY = Uint8Array.of(0x00);
export const ACCOUNT_PREFIX = Uint8Array.of(0x01);
export const GLOBAL_ACCOUNT_NUMBER_KEY = Uint8Array.of(0x02);

export const FEE_COLLECTOR = "fee_collector";

export const BASE_ACCOUNT_TYPE_URL = "/cosmos.auth.v1beta1.BaseAccount";
export const MODULE_ACCOUNT_TYPE_URL = "/cosmos.auth.v1beta1.ModuleAccount";
export const SECP256K1_PUBKEY_TYPE_URL = "/cosmos.crypto.secp256k1.PubKey";
