export type {
  BookView,
  CancelReason,
  DepthLevel,
  Fill,
  MatchOptions,
  MatchOutcome,
  MatchPlan,
  RestingOrder,
  SelfTradePrevention,
  Side,
  TakerOrder,
  TimeInForce,
} from "./types.js";
export { DEFAULT_MAX_FILLS, matchOrder } from "./match.js";
export { MemoryBook } from "./memoryBook.js";
export { matchingErrors } from "./errors.js";
export { IMPACT_MAX_ORDERS, impactPrice, type ImpactLevel, type ImpactPrice } from "./impact.js";
