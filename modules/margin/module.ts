/** Registers margin: deposit/withdraw/mode messages, queries, genesis, funding and the negative-equity flag. */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import type { BookReader, MarketReaderWithList } from "./expectedKeepers.js";
import { runFunding } from "./funding.js";
import { initMarginGenesis } from "./genesis.js";
import type { MarginKeeper } from "./keeper.js";
import { MODULE_NAME, STORE_KEY } from "./keys.js";
import { marginMsgRoutes } from "./msgServer.js";
import { marginQueryRoutes } from "./queryServer.js";
import { allSubaccounts, negativeEquityExists, setLastBlock, setNegativeEquityExists } from "./state.js";

export interface MarginModuleDeps {
  markets: MarketReaderWithList;
  book: BookReader;
}

/** Whether any account with positions or debt is below zero equity (withdrawals wait for it). */
function scanNegativeEquity(ctx: Context, keeper: MarginKeeper): boolean {
  for (const s of allSubaccounts(ctx)) {
    if (BigInt(s.quoteBalance) >= 0n && keeper.positions(ctx, { owner: s.owner, number: s.number }).length === 0)
      continue;
    const risk = keeper.accountRisk(ctx, { owner: s.owner, number: s.number });
    if (risk !== undefined && risk.equity < 0n) return true;
  }
  return false;
}

export function createMarginModule(keeper: MarginKeeper, deps: MarginModuleDeps): AppModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: marginMsgRoutes(keeper),
    queries: marginQueryRoutes(keeper),
    initGenesis: (ctx: Context, state: unknown) => initMarginGenesis(ctx, state),
    beginBlock(ctx: Context) {
      setLastBlock(ctx, ctx.block.height, ctx.block.time.seconds);
    },
    endBlock(ctx: Context) {
      runFunding(ctx, keeper, deps.markets, deps.book);
      const negative = scanNegativeEquity(ctx, keeper);
      if (negative !== negativeEquityExists(ctx)) setNegativeEquityExists(ctx, negative);
    },
  };
}
