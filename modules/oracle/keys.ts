/**
 * oracle store layout (inside "oracle/"). Asset symbols are length-prefixed so that one is
 * never a prefix of another; heights are big-endian u64 so that history iterates in order.
 *
 *   0x00                          params
 *   0x01 | len | asset            current price
 *   0x02 | len | asset | addr     a feeder's latest vote for the asset
 *   0x03 | addr                   feeder weight (a permissioned genesis list; empty = bonded validators vote)
 *   0x04 | len | asset | height   price history: the price set at that height (only when it changed)
 *   0x05 | feeder addr            the validator operator a feeder account votes for
 */
export const MODULE_NAME = "oracle";
export const STORE_KEY = "oracle";

export const PARAMS_KEY = Uint8Array.of(0x00);
export const PRICES_PREFIX = Uint8Array.of(0x01);
export const VOTES_PREFIX = Uint8Array.of(0x02);
export const FEEDERS_PREFIX = Uint8Array.of(0x03);
export const HISTORY_PREFIX = Uint8Array.of(0x04);
export const VALIDATOR_FEEDERS_PREFIX = Uint8Array.of(0x05);

export const MSG_SUBMIT_PRICES_TYPE_URL = "/strike.oracle.v1.MsgSubmitPrices";
export const MSG_SUBMIT_PRICES_RESPONSE_TYPE_URL = "/strike.oracle.v1.MsgSubmitPricesResponse";
export const MSG_REGISTER_FEEDER_TYPE_URL = "/strike.oracle.v1.MsgRegisterFeeder";
export const MSG_REGISTER_FEEDER_RESPONSE_TYPE_URL = "/strike.oracle.v1.MsgRegisterFeederResponse";
export const QUERY_PATH_PREFIX = "/strike.oracle.v1.Query/";
