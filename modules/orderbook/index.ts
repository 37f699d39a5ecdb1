export { createOrderbookModule } from "./module.js";
export { createOrderbookKeeper, type OrderbookKeeper } from "./keeper.js";
export { orderbookErrors } from "./errors.js";
export { defaultOrderbookGenesis, parseOrderbookGenesis } from "./genesis.js";
export { defaultExpiries, defaultMarkets, optionMarketId, utcDateCode, validateMarket } from "./markets.js";
export {
  formatPrice,
  formatQuote,
  formatSize,
  notional,
  parsePrice,
  parseSize,
  unitsToDecimal,
  decimalToUnits,
} from "./units.js";
export type { AccountId, OrderbookMarginKeeper, OrderbookOracle, TradeDelta } from "./expectedKeepers.js";
export type { OrderbookDeps } from "./placeOrder.js";
export { MODULE_NAME as ORDERBOOK_MODULE_NAME, STORE_KEY as ORDERBOOK_STORE_KEY } from "./keys.js";
