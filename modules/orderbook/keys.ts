/**
 * orderbook store layout (inside "orderbook/"). Integers are big-endian fixed width so that
 * byte order is numeric order; the book index orders bids by descending price through
 * the bitwise complement of the price.
 */
export const MODULE_NAME = "orderbook";
export const STORE_KEY = "orderbook";

export const PARAMS_KEY = Uint8Array.of(0x00);
export const MARKETS_PREFIX = Uint8Array.of(0x01);
/** (market, order id) → Order */
export const ORDERS_PREFIX = Uint8Array.of(0x02);
/** (market, side, price key, order id) → empty: the resting orders in priority order. */
export const BOOK_PREFIX = Uint8Array.of(0x03);
/** (owner, subaccount, market, order id) → empty: an account's open orders. */
export const OWNER_ORDERS_PREFIX = Uint8Array.of(0x04);
/** (owner, subaccount, market, client id) → order id. */
export const CLIENT_IDS_PREFIX = Uint8Array.of(0x05);
/** (height, market, order id) → empty: good-til-block expiries. */
export const EXPIRY_BLOCK_PREFIX = Uint8Array.of(0x06);
/** (unix seconds, market, order id) → empty: good-til-time expiries. */
export const EXPIRY_TIME_PREFIX = Uint8Array.of(0x07);
/** (market, direction, trigger price, order id) → empty: stop and take-profit orders waiting for their trigger. */
export const TRIGGERS_PREFIX = Uint8Array.of(0x08);
/** (market, height, trade seq) → Trade: recent trades, pruned by age. */
export const TRADES_PREFIX = Uint8Array.of(0x09);
export const NEXT_ORDER_ID_KEY = Uint8Array.of(0x0a);
export const NEXT_TRADE_SEQ_KEY = Uint8Array.of(0x0b);

/** The collateral's decimals: prices are integers in uusdc. */
export const QUOTE_DECIMALS = 6;
export const MAX_BUNDLE_LEGS = 4;
export const MAX_CANCELS_PER_MSG = 100;
