/** Registers the orderbook: trading messages, market queries, genesis, and the end-block work. */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import { orderbookEndBlock } from "./endBlock.js";
import { initOrderbookGenesis } from "./genesis.js";
import { MODULE_NAME, STORE_KEY } from "./keys.js";
import { orderbookMsgRoutes } from "./msgServer.js";
import type { OrderbookDeps } from "./placeOrder.js";
import { orderbookQueryRoutes } from "./queryServer.js";

export function createOrderbookModule(deps: OrderbookDeps): AppModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: orderbookMsgRoutes(deps),
    queries: orderbookQueryRoutes(),
    initGenesis: (ctx: Context, state: unknown) => initOrderbookGenesis(ctx, state),
    endBlock: (ctx: Context) => orderbookEndBlock(ctx, deps),
  };
}
