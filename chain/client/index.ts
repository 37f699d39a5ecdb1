export {
  clientErrors,
  createQueryRpc,
  queryPath,
  refusal,
  type AbciAnswer,
  type AbciQuerier,
  type QueryRpc,
} from "./queryRpc.js";
export { chainQueries, cosmosQueries, strikeQueries, type CosmosQueries, type StrikeQueries } from "./queries.js";
export { cometQuerier, jsonRpcQuerier, type CometQuerier } from "./comet.js";
export { jsonRpcAbciQuerier, type JsonRpcCall } from "./jsonRpc.js";
