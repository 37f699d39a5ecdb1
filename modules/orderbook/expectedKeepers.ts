/** What the orderbook needs from margin and the oracle. */
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import type { Dec } from "../../chain/types/fixed/index.js";

export interface AccountId {
  owner: string;
  number: number;
}

export interface TradeDelta {
  market: Market;
  /** Size units bought (+) or sold (-). */
  sizeDelta: bigint;
  /** uusdc paid (+) or received (-). */
  cost: bigint;
  fee: bigint;
}

export interface OrderbookMarginKeeper {
  positionSize(src: StoreSource, id: AccountId, market: string): bigint;
  meetsInitialMargin(ctx: Context, id: AccountId, deltas: readonly TradeDelta[]): boolean;
  applyTrade(ctx: Context, id: AccountId, delta: TradeDelta): void;
  /** Accounts whose equity is below maintenance margin, in key order. */
  liquidatableAccounts(ctx: Context): AccountId[];
  /** Positions of an account, in market order. */
  positions(src: StoreSource, id: AccountId): readonly { market: string; size: bigint }[];
  /** How to liquidate an account now: nothing, wait for fresh prices, or these book orders. */
  planLiquidation(ctx: Context, id: AccountId): LiquidationPlan;
  /** After the book took what it could: penalty to the insurance fund, shortfall covered, deleveraging. */
  settleLiquidation(ctx: Context, id: AccountId, liquidatedNotional: bigint): void;
  /** A market's pricing terms changed (implied volatility): its holders' risk must be looked at again. */
  marketRepriced(ctx: Context, market: string): void;
  /** Whether the account has no subaccount yet. */
  hasSubaccount(src: StoreSource, id: AccountId): boolean;
}

export type LiquidationPlan =
  | { kind: "none" }
  | { kind: "paused"; assets: string[] }
  /** Each position and the worst price (uusdc per contract) the book may fill it at. */
  | { kind: "book"; targets: { market: Market; size: bigint; limit: bigint }[] };

export interface OrderbookOracle {
  /** The oracle price of an asset (USDC per unit) and whether it is stale; undefined if unknown. */
  price(ctx: Context, asset: string): { price: Dec; stale: boolean } | undefined;
}
