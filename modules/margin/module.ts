/** Registers margin: deposit/withdraw/mode messages, queries, genesis, and the end block (funding, the risk index, covering debts). */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import type { BookReader, MarketReaderWithList } from "./expectedKeepers.js";
import { runFunding } from "./funding.js";
import { initMarginGenesis } from "./genesis.js";
import type { MarginKeeper } from "./keeper.js";
import { MODULE_NAME, STORE_KEY } from "./keys.js";
import { marginMsgRoutes } from "./msgServer.js";
import { marginQueryRoutes } from "./queryServer.js";
import { refreshRiskIndex } from "./riskIndex.js";
import { watchedAccounts } from "./riskIndexState.js";

export interface MarginModuleDeps {
  markets: MarketReaderWithList;
  book: BookReader;
}

export function createMarginModule(keeper: MarginKeeper, deps: MarginModuleDeps): AppModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: marginMsgRoutes(keeper),
    queries: marginQueryRoutes(keeper, deps.markets),
    initGenesis: (ctx: Context, state: unknown) => initMarginGenesis(ctx, state),
    endBlock(ctx: Context) {
      runFunding(ctx, keeper, deps.markets, deps.book);
      // Liquidations, settlements and funding of this block re-index the accounts they touched,
      // so every account in debt without positions is watched (verdict "in_debt") by now: only
      // those are candidates for the fund's cover, not every subaccount.
      refreshRiskIndex(ctx, keeper, keeper.orders);
      for (const id of [...watchedAccounts(ctx)]) keeper.coverDebt(ctx, id);
    },
  };
}
