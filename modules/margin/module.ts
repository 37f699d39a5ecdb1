/** Registers margin: deposit/withdraw/mode messages, queries, genesis, funding and the negative-equity flag. */
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
import { negativeEquityExists, setNegativeEquityExists } from "./state.js";
import { isStrikeError } from "../../chain/types/errors.js";

export interface MarginModuleDeps {
  markets: MarketReaderWithList;
  book: BookReader;
}

/**
 * Whether any account with positions or debt is below zero equity (withdrawals wait for it).
 * Only watched accounts can be: zero equity is below maintenance. An account left in debt
 * without positions (a liquidation or a settlement the insurance fund could not cover in full)
 * is nobody's liquidation any more: the fund covers it as soon as it can.
 */
function resolveNegativeEquity(ctx: Context, keeper: MarginKeeper): boolean {
  let negative = false;
  for (const id of [...watchedAccounts(ctx)]) {
    const s = keeper.getSubaccount(ctx, id);
    if (s === undefined) continue;
    const debt = -BigInt(s.quoteBalance);
    const open = keeper.positions(ctx, id).length > 0;
    if (debt <= 0n && !open) continue;
    if (!open) {
      const fund = keeper.insuranceBalance(ctx);
      const cover = fund < debt ? fund : debt;
      if (cover > 0n) {
        keeper.transferWithInsurance(ctx, id, cover);
        ctx.events.emit("shortfall_covered", [
          ["owner", id.owner],
          ["subaccount", String(id.number)],
          ["amount", cover.toString()],
        ]);
      }
      if (cover < debt) negative = true;
      continue;
    }
    let risk;
    try {
      risk = keeper.accountRisk(ctx, id);
    } catch (e) {
      if (isStrikeError(e)) continue;
      throw e;
    }
    if (risk !== undefined && risk.equity < 0n) negative = true;
  }
  return negative;
}

export function createMarginModule(keeper: MarginKeeper, deps: MarginModuleDeps): AppModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: marginMsgRoutes(keeper),
    queries: marginQueryRoutes(keeper),
    initGenesis: (ctx: Context, state: unknown) => initMarginGenesis(ctx, state),
    endBlock(ctx: Context) {
      runFunding(ctx, keeper, deps.markets, deps.book);
      // Liquidations, settlements and funding of this block re-index the accounts they touched.
      refreshRiskIndex(ctx, keeper, keeper.orders);
      const negative = resolveNegativeEquity(ctx, keeper);
      if (negative !== negativeEquityExists(ctx)) setNegativeEquityExists(ctx, negative);
    },
  };
}
