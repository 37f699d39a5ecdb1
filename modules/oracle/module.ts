/** Registers the oracle with the runtime: MsgSubmitPrices, the oracle queries, genesis and the end-block aggregation. */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import { initOracleGenesis } from "./genesis.js";
import type { OracleKeeper } from "./keeper.js";
import { MODULE_NAME, STORE_KEY } from "./keys.js";
import { msgRegisterFeederRoute, msgSubmitPricesRoute } from "./msgServer.js";
import { oracleQueryRoutes } from "./queryServer.js";

export function createOracleModule(keeper: OracleKeeper): AppModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: [msgSubmitPricesRoute(keeper), msgRegisterFeederRoute(keeper)],
    queries: oracleQueryRoutes(keeper),
    initGenesis: (ctx: Context, state: unknown) => initOracleGenesis(ctx, keeper, state),
    endBlock: (ctx: Context) => keeper.aggregate(ctx),
  };
}
