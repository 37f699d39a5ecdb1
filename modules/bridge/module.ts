/** Registers the bridge with the runtime: its messages, queries and genesis. */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import { initBridgeGenesis } from "./genesis.js";
import type { BridgeKeeper } from "./keeper.js";
import { MODULE_NAME, STORE_KEY } from "./keys.js";
import { msgAttestDepositRoute, msgSetExitAddressRoute, msgWithdrawRoute } from "./msgServer.js";
import { bridgeQueryRoutes } from "./queryServer.js";

export function createBridgeModule(keeper: BridgeKeeper): AppModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: [msgAttestDepositRoute(keeper), msgWithdrawRoute(keeper), msgSetExitAddressRoute(keeper)],
    queries: bridgeQueryRoutes(keeper),
    initGenesis: (ctx: Context, state: unknown) => initBridgeGenesis(ctx, state),
  };
}
