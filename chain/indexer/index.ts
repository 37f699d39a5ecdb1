export { openTxIndexer } from "./txIndexer.js";
export { createEventBus, publishBlockEvents, type EventBusOptions } from "./eventBus.js";
export { parseQuery, matchAll, type Query, type QueryCondition, type EventMap } from "./query.js";
export { eventMapOf, txHashHex } from "./events.js";
export { indexerErrors } from "./errors.js";
export type * from "./types.js";
