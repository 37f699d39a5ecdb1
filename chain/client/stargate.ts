/**
 * Strike's queries as a cosmjs `QueryClient` extension, beside cosmjs's own:
 * `QueryClient.withExtensions(comet, setupBankExtension, setupStrikeExtension)` then
 * `client.strike.orderbook.Markets({})`. (A separate file: it loads @cosmjs/stargate.)
 */
import { createProtobufRpcClient, type QueryClient } from "@cosmjs/stargate";
import { strikeQueries, type StrikeQueries } from "./queries.js";

export function setupStrikeExtension(base: QueryClient): { strike: StrikeQueries } {
  return { strike: strikeQueries(createProtobufRpcClient(base)) };
}
