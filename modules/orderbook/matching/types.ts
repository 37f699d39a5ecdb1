/**
 * The matching engine's vocabulary. Prices and sizes are positive integers (ticks and lots):
 * the keeper converts units, the engine never sees decimals.
 */
export type Side = "buy" | "sell";
export type TimeInForce = "gtc" | "ioc" | "fok" | "post_only";
export type SelfTradePrevention = "expire_maker" | "expire_taker" | "expire_both";

/**
 * An order on the book. `id` is unique within a market and increases with arrival: it IS the
 * time priority. Orders with equal `owner` (trading-account key) never trade with each other.
 */
export interface RestingOrder {
  readonly id: bigint;
  readonly owner: string;
  readonly side: Side;
  readonly price: bigint;
  readonly remaining: bigint;
}

export interface TakerOrder {
  readonly id: bigint;
  readonly owner: string;
  readonly side: Side;
  /** The limit; for a market order the worst price accepted. */
  readonly price: bigint;
  readonly size: bigint;
  readonly tif: TimeInForce;
  readonly stp: SelfTradePrevention;
  /**
   * "owner": self-trade prevention also covers the owner's other subaccounts (account keys
   * "<owner>/<n>" with the same "<owner>"). Default "account": only identical keys.
   */
  readonly stpScope?: "account" | "owner";
}

export interface Fill {
  /** The maker as it was before this fill. */
  readonly maker: RestingOrder;
  /** Always the maker's price. */
  readonly price: bigint;
  readonly size: bigint;
  /** The maker's remaining size after the fill; 0 = fully filled. */
  readonly makerRemaining: bigint;
}

export type MatchOutcome = "filled" | "rests" | "cancelled_remainder" | "rejected_post_only" | "rejected_fok";

/** Why a remainder was cancelled: the order's time in force, self-trade prevention, or the fill bound. */
export type CancelReason = "ioc" | "self_trade" | "max_fills";

export interface MatchPlan {
  readonly fills: readonly Fill[];
  /** Own resting orders removed by self-trade prevention, in the order met. */
  readonly expired: readonly RestingOrder[];
  readonly filled: bigint;
  readonly remaining: bigint;
  readonly outcome: MatchOutcome;
  /** Present iff outcome is "rests": the remainder at the taker's limit price with the taker's id. */
  readonly rest?: RestingOrder;
  /** Present iff outcome is "cancelled_remainder". */
  readonly cancelReason?: CancelReason;
}

/** A market's resting orders, read-only. */
export interface BookView {
  /** Best price first (highest bid, lowest ask), then lowest id. */
  resting(side: Side): Iterable<RestingOrder>;
}

export interface MatchOptions {
  /** Bounds the work of one order (default 1000): once reached, a still-crossing remainder is cancelled. */
  readonly maxFills?: number;
}

export interface DepthLevel {
  readonly price: bigint;
  /** Sum of the remaining sizes at this price. */
  readonly size: bigint;
  /** Number of orders at this price. */
  readonly orders: number;
}
