export {
  clientErrors,
  createQueryRpc,
  queryPath,
  refusal,
  refusedAs,
  type AbciAnswer,
  type AbciQuerier,
  type QueryRpc,
  type Refusal,
} from "./queryRpc.js";
export { chainQueries, cosmosQueries, strikeQueries, type CosmosQueries, type StrikeQueries } from "./queries.js";
export { appQuerier, cometQuerier, jsonRpcQuerier, type CometQuerier } from "./comet.js";
export { jsonRpcAbciQuerier, type JsonRpcCall } from "./jsonRpc.js";
