/** Registers the options module: expiry settlement at end block (its pricing serves margin through the keeper). */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import { MODULE_NAME } from "./keys.js";
import { settleExpiredOptions, type OptionsDeps } from "./settlement.js";

export function createOptionsModule(deps: OptionsDeps): AppModule {
  return {
    name: MODULE_NAME,
    endBlock: (ctx: Context) => settleExpiredOptions(ctx, deps),
  };
}
