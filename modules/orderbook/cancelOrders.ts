/** Cancel by id or client id, batch cancel (all or none), cancel all, and replace. */
import type { OrderSpec } from "../../chain/codec/generated/strike/orderbook/v1/tx.js";
import type { Context } from "../../chain/runtime/types.js";
import { orderbookErrors } from "./errors.js";
import { cancelById } from "./execute.js";
import type { AccountId } from "./expectedKeepers.js";
import { orderFromSpec, requireMarket } from "./orderSpec.js";
import { placeValidatedOrder, type OrderbookDeps, type PlaceResult } from "./placeOrder.js";
import { allMarkets, getOrder, orderIdByClientId, ownerOrders } from "./state.js";

function ownedOrderId(ctx: Context, account: AccountId, market: string, orderId: bigint, clientId: bigint): bigint {
  if ((orderId === 0n) === (clientId === 0n))
    throw orderbookErrors.invalidOrder("give exactly one of order id and client id");
  if (clientId !== 0n) {
    const id = orderIdByClientId(ctx, account.owner, account.number, market, clientId);
    if (id === undefined) throw orderbookErrors.orderNotFound(`no open order with client id ${clientId} in ${market}`);
    return id;
  }
  const o = getOrder(ctx, market, orderId);
  if (o === undefined || o.owner !== account.owner || o.subaccount !== account.number)
    throw orderbookErrors.orderNotFound(`no open order ${orderId} of yours in ${market}`);
  return orderId;
}

export function cancelOrder(ctx: Context, account: AccountId, market: string, orderId: bigint, clientId: bigint): void {
  requireMarket(ctx, market);
  cancelById(ctx, market, ownedOrderId(ctx, account, market, orderId, clientId), "user");
}

export function batchCancel(ctx: Context, account: AccountId, market: string, clientIds: readonly bigint[]): number {
  requireMarket(ctx, market);
  if (new Set(clientIds).size !== clientIds.length)
    throw orderbookErrors.invalidOrder("duplicate client id in the batch");
  // Resolve every id first: one unknown id cancels nothing.
  const ids = clientIds.map((c) => ownedOrderId(ctx, account, market, 0n, c));
  for (const id of ids) cancelById(ctx, market, id, "user");
  return ids.length;
}

export function cancelAll(ctx: Context, account: AccountId, market: string): number {
  const markets = market === "" ? [...allMarkets(ctx)].map((m) => m.id) : [requireMarket(ctx, market).id];
  let n = 0;
  for (const m of markets) {
    for (const o of [...ownerOrders(ctx, account.owner, account.number, m)]) {
      cancelById(ctx, m, o.id, "user");
      n++;
    }
  }
  return n;
}

/** Atomic: the old order is cancelled only if the new one is accepted (the tx branch discards both otherwise). */
export function replaceOrder(
  ctx: Context,
  deps: OrderbookDeps,
  account: AccountId,
  clientId: bigint,
  spec: OrderSpec,
): PlaceResult {
  if (clientId === 0n) throw orderbookErrors.invalidOrder("replace needs the client id of the open order");
  cancelById(ctx, spec.market, ownedOrderId(ctx, account, spec.market, 0n, clientId), "replaced");
  const { market, order } = orderFromSpec(ctx, deps.margin, account, spec);
  return placeValidatedOrder(ctx, deps, market, order);
}
