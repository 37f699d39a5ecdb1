/**
 * bridge store layout (inside "bridge/"). Nonces and ids are big-endian u64 so that they
 * iterate in order; addresses are length-prefixed.
 *
 *   0x01 | nonce | validator        the content hash a validator attested for a deposit (pending only)
 *   0x02 | nonce | content hash     attested power for one content of a deposit (pending only)
 *   0x03 | nonce                    a credited deposit (its attestation)
 *   0x04                            counters: bridged supply, deposits credited, highest nonce credited
 *   0x05 | id                       a withdrawal
 *   0x06 | level                    the withdrawal tree's frontier node at that level
 *   0x07                            the withdrawal tree's leaf count (= next withdrawal id)
 *   0x08 | account                  the L1 address an account's exit claim pays
 *   0x09 | nonce                    a deposit past 2/3 waiting for an earlier nonce to be credited (its attestation)
 */
export const MODULE_NAME = "bridge";
export const STORE_KEY = "bridge";
/** The module account that mints credited deposits and burns withdrawals. */
export const BRIDGE_ACCOUNT = "bridge";
export const BRIDGE_DENOM = "uusdc";

export const VOTES_PREFIX = Uint8Array.of(0x01);
export const TALLIES_PREFIX = Uint8Array.of(0x02);
export const CREDITED_PREFIX = Uint8Array.of(0x03);
export const COUNTERS_KEY = Uint8Array.of(0x04);
export const WITHDRAWALS_PREFIX = Uint8Array.of(0x05);
export const FRONTIER_PREFIX = Uint8Array.of(0x06);
export const WITHDRAWAL_COUNT_KEY = Uint8Array.of(0x07);
export const EXIT_ADDRESSES_PREFIX = Uint8Array.of(0x08);
export const WAITING_PREFIX = Uint8Array.of(0x09);

export const MSG_ATTEST_DEPOSIT_TYPE_URL = "/strike.bridge.v1.MsgAttestDeposit";
export const MSG_WITHDRAW_TYPE_URL = "/strike.bridge.v1.MsgWithdraw";
export const MSG_SET_EXIT_ADDRESS_TYPE_URL = "/strike.bridge.v1.MsgSetExitAddress";
export const QUERY_PATH_PREFIX = "/strike.bridge.v1.Query/";
