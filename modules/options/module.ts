/** Registers the options module: its (empty) genesis and expiry settlement at end block. */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import { validateOptionsGenesis } from "./genesis.js";
import type { OptionsKeeper } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";

export function createOptionsModule(keeper: OptionsKeeper): AppModule {
  return {
    name: MODULE_NAME,
    initGenesis: (_ctx: Context, state: unknown) => validateOptionsGenesis(state),
    endBlock: (ctx: Context) => keeper.settleExpired(ctx),
  };
}
