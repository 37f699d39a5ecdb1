/** Registers the orderbook: trading messages, market queries, genesis, and the end-block work. */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import { initOrderbookGenesis } from "./genesis.js";
import type { OrderbookKeeper } from "./keeper.js";
import { MODULE_NAME, STORE_KEY } from "./keys.js";
import { orderbookMsgRoutes } from "./msgServer.js";
import { orderbookQueryRoutes } from "./queryServer.js";

export function createOrderbookModule(keeper: OrderbookKeeper): AppModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: orderbookMsgRoutes(keeper),
    queries: orderbookQueryRoutes(),
    initGenesis: (ctx: Context, state: unknown) => initOrderbookGenesis(ctx, state),
    endBlock: (ctx: Context) => keeper.endBlock(ctx),
  };
}
