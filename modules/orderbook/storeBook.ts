/**
 * The matching engine's view of a market's book, read straight from state (the state
 * store's in-memory sorted index is the book's cache). Because reads and writes go
 * through the tx's branch, a failed tx or bundle leaves the book exactly as it was.
 */
import { Side as ProtoSide, type Order } from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { BookView, RestingOrder, Side } from "./matching/index.js";
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

/** Best bid and ask (uusdc) and the mid when both exist. */
export function topOfBook(src: StoreSource, market: string): { bid?: bigint; ask?: bigint; mid?: bigint } {
  const bid = bookOrders(src, market, ProtoSide.SIDE_BUY).next();
  const ask = bookOrders(src, market, ProtoSide.SIDE_SELL).next();
  const out: { bid?: bigint; ask?: bigint; mid?: bigint } = {};
  if (!bid.done) out.bid = bid.value.price;
  if (!ask.done) out.ask = ask.value.price;
  if (out.bid !== undefined && out.ask !== undefined) out.mid = (out.bid + out.ask) / 2n;
  return out;
}
