/** orderbook error codes (consensus data: never renumber a shipped code). */
import { registerError } from "../../chain/types/errors.js";
import { MODULE_NAME } from "./keys.js";

export const orderbookErrors = {
  unknownMarket: registerError(MODULE_NAME, 2, "unknown market"),
  marketNotActive: registerError(MODULE_NAME, 3, "market is not open for trading"),
  offTick: registerError(MODULE_NAME, 4, "price is not a multiple of the tick size"),
  offLot: registerError(MODULE_NAME, 5, "size is not a multiple of the lot size"),
  belowMinNotional: registerError(MODULE_NAME, 6, "order notional is below the market minimum"),
  invalidPrice: registerError(MODULE_NAME, 7, "invalid price"),
  invalidSize: registerError(MODULE_NAME, 8, "invalid size"),
  postOnlyWouldCross: registerError(MODULE_NAME, 9, "post-only order would cross the book"),
  fillOrKillNotFilled: registerError(MODULE_NAME, 10, "fill-or-kill order cannot be filled completely"),
  reduceOnlyWouldIncrease: registerError(MODULE_NAME, 11, "reduce-only order would increase the position"),
  duplicateClientId: registerError(MODULE_NAME, 12, "client id is already used by an open order"),
  tooManyOpenOrders: registerError(MODULE_NAME, 13, "too many open orders in this market"),
  orderNotFound: registerError(MODULE_NAME, 14, "order not found"),
  invalidBundle: registerError(MODULE_NAME, 15, "invalid bundle"),
  bundleNotFilled: registerError(MODULE_NAME, 16, "bundle cannot be filled completely at its limits"),
  netCostExceeded: registerError(MODULE_NAME, 17, "bundle net cost exceeds its limit"),
  unauthorized: registerError(MODULE_NAME, 18, "not the orderbook authority"),
  invalidMarket: registerError(MODULE_NAME, 19, "invalid market definition"),
  invalidOrder: registerError(MODULE_NAME, 20, "invalid order"),
  expired: registerError(MODULE_NAME, 21, "order would already be expired"),
  insufficientMargin: registerError(MODULE_NAME, 22, "insufficient margin for this order"),
  staleOracle: registerError(MODULE_NAME, 23, "oracle price is stale: only reduce-only orders are accepted"),
  noSubaccount: registerError(MODULE_NAME, 24, "no collateral in this subaccount: deposit first"),
  invalidGenesis: registerError(MODULE_NAME, 100, "invalid orderbook genesis"),
};
