/**
 * Registers slashing: MsgUnjail, its queries, genesis, and at begin block the previous
 * block's votes (liveness) and the block's evidence (double signs). Consensus data reaches
 * it through `cometInfo`, which the app wires to what finalizeBlock received.
 */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import { initSlashingGenesis } from "./genesis.js";
import { slashingBeginBlock, type SlashingKeeper } from "./keeper.js";
import { MODULE_NAME, STORE_KEY } from "./keys.js";
import { slashingMsgRoutes } from "./msgServer.js";
import { slashingQueryRoutes } from "./queryServer.js";
import type { CometInfo } from "./types.js";

export interface SlashingModuleOptions {
  /** The last commit and evidence of the block being executed; undefined when there is none (height 1, genesis). */
  cometInfo(ctx: Context): CometInfo | undefined;
}

export function createSlashingModule(keeper: SlashingKeeper, options: SlashingModuleOptions): AppModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: slashingMsgRoutes(keeper),
    queries: slashingQueryRoutes(keeper),
    initGenesis: (ctx: Context, state: unknown) => initSlashingGenesis(ctx, keeper, state),
    beginBlock(ctx: Context) {
      const info = options.cometInfo(ctx);
      if (info !== undefined) slashingBeginBlock(ctx, keeper, info);
    },
  };
}
