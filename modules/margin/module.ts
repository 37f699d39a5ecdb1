/** Registers margin: deposit/withdraw/mode messages, queries, genesis, funding and covering debts. */
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
import type { AccountId } from "./state.js";

export interface MarginModuleDeps {
  markets: MarketReaderWithList;
  book: BookReader;
}

/**
 * An account left in debt without positions (a liquidation whose deficit the insurance fund
 * could not cover in full and no counterparty could absorb) is covered by the fund as soon as
 * it can. Nobody else waits for it: withdrawals are never halted chain-wide.
 */
export function coverDebt(ctx: Context, keeper: MarginKeeper, id: AccountId): void {
  const s = keeper.getSubaccount(ctx, id);
  const debt = s === undefined ? 0n : -BigInt(s.quoteBalance);
  if (debt <= 0n || keeper.positions(ctx, id).length > 0) return;
  const fund = keeper.insuranceBalance(ctx);
  const cover = fund < debt ? fund : debt;
  if (cover <= 0n) return;
  keeper.transferWithInsurance(ctx, id, cover);
  ctx.events.emit("shortfall_covered", [
    ["owner", id.owner],
    ["subaccount", String(id.number)],
    ["amount", cover.toString()],
  ]);
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
      // Liquidations, settlements and funding of this block re-index the accounts they touched,
      // so every account in debt without positions is watched (verdict "in_debt") by now: only
      // those are candidates for the fund's cover, not every subaccount.
      refreshRiskIndex(ctx, keeper, keeper.orders);
      for (const id of [...watchedAccounts(ctx)]) coverDebt(ctx, keeper, id);
    },
  };
}
