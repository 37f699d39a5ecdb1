/**
 * The options module keeps no store of its own: an option series is an orderbook market
 * (its terms, status and settlement price) and positions in it are margin's. Its settlement
 * window is margin's `settlement_twap_blocks` param. So there is no STORE_KEY here.
 */
export const MODULE_NAME = "options";
