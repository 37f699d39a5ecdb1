/** Registers margin: deposit/withdraw/mode messages, queries, genesis, and the keeper's end block. */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import { initMarginGenesis } from "./genesis.js";
import type { MarginKeeper } from "./keeper.js";
import { MODULE_NAME, STORE_KEY } from "./keys.js";
import { marginMsgRoutes } from "./msgServer.js";
import { marginQueryRoutes } from "./queryServer.js";

export function createMarginModule(keeper: MarginKeeper): AppModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: marginMsgRoutes(keeper),
    queries: marginQueryRoutes(keeper, keeper.markets),
    initGenesis: (ctx: Context, state: unknown) => initMarginGenesis(ctx, state),
    endBlock: (ctx: Context) => keeper.endBlock(ctx),
  };
}
