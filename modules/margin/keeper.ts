/**
 * The margin keeper: the ledger of subaccounts, positions and the insurance fund (ledger.ts),
 * the intents other modules call (liquidate, settle an expired series, reprice a market) and
 * the end block (funding, the risk index, covering debts). Nothing else writes margin's state.
 */
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import type { Dec } from "../../chain/types/fixed/index.js";
import type { BookReader, MarketReaderWithList } from "./expectedKeepers.js";
import { runFunding } from "./funding.js";
import { createMarginLedger, type MarginLedger, type MarginLedgerConfig } from "./ledger.js";
import { liquidatableAccounts, planLiquidation, settleLiquidation, type LiquidationPlan } from "./liquidation.js";
import { markHoldersDirty, refreshRiskIndex } from "./riskIndex.js";
import { watchedAccounts } from "./riskIndexState.js";
import { settleMarketPositions } from "./settlement.js";
import { equityTouched, getParams, positionOwners, type AccountId } from "./state.js";

export interface MarginKeeperConfig extends MarginLedgerConfig {
  /** Funding reads every market and its book's mid. */
  markets: MarketReaderWithList;
  book: BookReader;
}

/** Ledger writes only margin's own paths make (liquidation, settlement, funding, the end block). */
type LedgerWrites = "setPosition" | "adjustQuote" | "sweepToInsurance" | "transferWithInsurance" | "coverDebt";

export function createMarginKeeper(config: MarginKeeperConfig) {
  const ledger = createMarginLedger(config);
  const face: Omit<MarginLedger, LedgerWrites> = ledger;
  return {
    ...face,

    params: (src: StoreSource) => getParams(src),
    /** Every market, for the Marks and Funding queries. */
    markets: config.markets,
    /** The book's impact prices, for the Funding query. */
    book: config.book,

    /** Accounts below maintenance margin, by the risk index (refreshed first). */
    liquidatableAccounts: (ctx: Context): AccountId[] => liquidatableAccounts(ctx, ledger),
    /** The book orders that would liquidate `id` (none if it meets maintenance margin; paused on a stale price). */
    planLiquidation: (ctx: Context, id: AccountId): LiquidationPlan => planLiquidation(ctx, ledger, id),
    /** After the book fills: the penalty, deleveraging what the fund cannot absorb, the fund's cover. */
    settleLiquidation: (ctx: Context, id: AccountId, liquidatedNotional: bigint): void =>
      settleLiquidation(ctx, ledger, id, liquidatedNotional),
    /** Cash-settles every position in an expired series at `payoff` USDC per contract; returns how many closed. */
    settleMarket: (ctx: Context, market: Market, payoff: Dec): number =>
      settleMarketPositions(ctx, ledger, market, payoff),
    /** A market's price inputs changed (e.g. its implied volatility): its holders' risk is looked at again. */
    marketRepriced: (ctx: Context, market: string): void => markHoldersDirty(ctx, market),

    /** Owners whose collateral or positions were written since the last `clearEquityTouched` (the exit checkpoint's). */
    equityTouchedOwners: (src: StoreSource): string[] => equityTouched.list(src),
    clearEquityTouched: (ctx: Context): void => equityTouched.clear(ctx),
    /** Every owner of a position (their equity follows the marks), each once. */
    positionOwners: (src: StoreSource): string[] => [...positionOwners(src)],

    endBlock(ctx: Context): void {
      runFunding(ctx, ledger, config.markets, config.book);
      // Liquidations, settlements and funding of this block re-index the accounts they touched,
      // so every account in debt without positions is watched (verdict "in_debt") by now: only
      // those are candidates for the fund's cover, not every subaccount.
      refreshRiskIndex(ctx, ledger, ledger.orders);
      for (const id of [...watchedAccounts(ctx)]) ledger.coverDebt(ctx, id);
    },
  };
}

export type MarginKeeper = ReturnType<typeof createMarginKeeper>;
