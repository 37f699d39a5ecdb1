/** Registers auth with the runtime: queries and genesis. Module accounts are created at genesis. */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import { initAuthGenesis } from "./genesis.js";
import type { AccountKeeper } from "./keeper.js";
import { MODULE_NAME, STORE_KEY } from "./keys.js";
import { authMsgRoutes } from "./msgServer.js";
import { authQueryRoutes } from "./queryServer.js";

export function createAuthModule(keeper: AccountKeeper, moduleAccountNames: readonly string[]): AppModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: authMsgRoutes,
    queries: authQueryRoutes(keeper),
    initGenesis(ctx: Context, state: unknown) {
      initAuthGenesis(ctx, keeper, state);
      for (const name of [...moduleAccountNames].sort()) keeper.getModuleAccount(ctx, name);
    },
  };
}
