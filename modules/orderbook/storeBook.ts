/**
 * The matching engine's view of a market's book, read straight from state (the state
 * store's in-memory sorted index is the book's cache). Because reads and writes go
 * through the tx's branch, a failed tx or bundle leaves the book exactly as it was.
 */
import { Side as ProtoSide, type Order } from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import { impactPrice, type BookView, type ImpactPrice, type RestingOrder, type Side } from "./matching/index.js";
import { bookOrders } from "./state.js";

export function accountKey(owner: string, subaccount: number): string {
  return `${owner}/${subaccount}`;
}

export function toEngineSide(side: ProtoSide): Side {
  return side === ProtoSide.SIDE_BUY ? "buy" : "sell";
}
export function toProtoSide(side: Side): ProtoSide {
  return side === "buy" ? ProtoSide.SIDE_BUY : ProtoSide.SIDE_SELL;
}

export function toResting(o: Order): RestingOrder {
  return {
    id: o.id,
    owner: accountKey(o.owner, o.subaccount),
    side: toEngineSide(o.side),
    price: o.price,
    remaining: o.remaining,
  };
}

/** The block a fill happens in: good-til orders are judged against it. */
export interface FillClock {
  height: bigint;
  seconds: bigint;
}

/** Whether an order's good-til-block or good-til-time has passed in this block (the end-block sweep may not have run yet). */
export function isExpiredAt(o: Order, clock: FillClock): boolean {
  return (
    (o.goodTilBlock !== 0n && o.goodTilBlock < clock.height) || (o.goodTilTime !== 0n && o.goodTilTime <= clock.seconds)
  );
}

/**
 * A BookView over one market's state; `skip` hides orders already cancelled in this step.
 * With a clock, expired orders are hidden too and reported through `onExpired`, so that no
 * order ever fills after its expiry.
 */
export function storeBookView(
  src: StoreSource,
  market: string,
  skip: { has(id: bigint): boolean } = new Set<bigint>(),
  clock?: FillClock,
  onExpired?: (id: bigint) => void,
): BookView {
  return {
    *resting(side: Side) {
      for (const o of bookOrders(src, market, toProtoSide(side))) {
        if (skip.has(o.id)) continue;
        if (clock !== undefined && isExpiredAt(o, clock)) {
          onExpired?.(o.id);
          continue;
        }
        yield toResting(o);
      }
    },
  };
}

/**
 * The impact bid and ask of a market (matching/impact.ts): the average price of selling and of
 * buying `notional` uusdc against the resting book, each absent when its side has less depth
 * than that within IMPACT_MAX_ORDERS orders. Reads the side best first and stops once the
 * notional is filled. Expired orders need no filter: the orderbook's end block, which sweeps
 * them, runs before margin's, the only reader.
 */
export function impactPrices(
  src: StoreSource,
  market: Market,
  notional: bigint,
): { bid: ImpactPrice | undefined; ask: ImpactPrice | undefined } {
  return {
    bid: impactPrice(bookOrders(src, market.id, ProtoSide.SIDE_BUY), notional, market.sizeDecimals),
    ask: impactPrice(bookOrders(src, market.id, ProtoSide.SIDE_SELL), notional, market.sizeDecimals),
  };
}
