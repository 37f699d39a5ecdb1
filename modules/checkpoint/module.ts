/** Registers checkpoint with the runtime: its messages, queries, genesis and the begin-block recording. */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import { initCheckpointGenesis } from "./genesis.js";
import type { CheckpointKeeper } from "./keeper.js";
import { MODULE_NAME, STORE_KEY } from "./keys.js";
import {
  msgCheckpointEquivocationRoute,
  msgForgedCheckpointRoute,
  msgRegisterBlsKeyRoute,
  msgRegisterEthKeyRoute,
  msgSignCheckpointRoute,
} from "./msgServer.js";
import { checkpointQueryRoutes } from "./queryServer.js";

export function createCheckpointModule(keeper: CheckpointKeeper): AppModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: [
      msgRegisterEthKeyRoute(keeper),
      msgRegisterBlsKeyRoute(keeper),
      msgSignCheckpointRoute(keeper),
      msgCheckpointEquivocationRoute(keeper),
      msgForgedCheckpointRoute(keeper),
    ],
    queries: checkpointQueryRoutes(keeper),
    initGenesis: (ctx: Context, state: unknown) => initCheckpointGenesis(ctx, keeper, state),
    beginBlock: (ctx: Context) => keeper.beginBlock(ctx),
  };
}
