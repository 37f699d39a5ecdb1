/** Registers bank with the runtime: MsgSend, MsgMultiSend, the bank queries and genesis. */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import { initBankGenesis } from "./genesis.js";
import type { BankKeeper } from "./keeper.js";
import { MODULE_NAME, STORE_KEY } from "./keys.js";
import { msgMultiSendRoute, msgSendRoute } from "./msgServer.js";
import { bankQueryRoutes } from "./queryServer.js";

export function createBankModule(keeper: BankKeeper): AppModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: [msgSendRoute(keeper), msgMultiSendRoute(keeper)],
    queries: bankQueryRoutes(keeper),
    initGenesis: (ctx: Context, state: unknown) => initBankGenesis(ctx, keeper, state),
  };
}
