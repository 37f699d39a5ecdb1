/** orderbook queries: markets, depth ladder, an owner's open orders, recent trades. */
import { Side } from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import * as q from "../../chain/codec/generated/strike/orderbook/v1/query.js";
import type { BookLevel } from "../../chain/codec/generated/strike/orderbook/v1/query.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import { grpcInvalidArgument, grpcNotFound } from "../../chain/runtime/queryErrors.js";
import type { QueryRoute } from "../../chain/runtime/types.js";
import { allMarkets, allOwnerOrders, bookOrders, getMarket, recentTrades } from "./state.js";

const P = "/strike.orderbook.v1.Query/";
const DEFAULT_LEVELS = 20;
const MAX_LEVELS = 500;

/** Aggregated price levels of one side, best first. */
export function depth(src: StoreSource, market: string, side: Side, levels: number): BookLevel[] {
  const out: BookLevel[] = [];
  for (const o of bookOrders(src, market, side)) {
    const last = out[out.length - 1];
    if (last !== undefined && last.price === o.price) {
      last.size += o.remaining;
      last.orders += 1;
      continue;
    }
    if (out.length === levels) break;
    out.push({ price: o.price, size: o.remaining, orders: 1 });
  }
  return out;
}

export function orderbookQueryRoutes(): QueryRoute[] {
  return [
    {
      path: `${P}Markets`,
      handle(ctx, data) {
        q.QueryMarketsRequest.decode(data);
        return q.QueryMarketsResponse.encode({ markets: [...allMarkets(ctx)] }).finish();
      },
    },
    {
      path: `${P}Book`,
      handle(ctx, data) {
        const req = q.QueryBookRequest.decode(data);
        const market = getMarket(ctx, req.market);
        if (market === undefined) throw grpcNotFound(`market ${req.market} not found`);
        const levels = Math.min(req.levels === 0 ? DEFAULT_LEVELS : req.levels, MAX_LEVELS);
        return q.QueryBookResponse.encode({
          market,
          bids: depth(ctx, market.id, Side.SIDE_BUY, levels),
          asks: depth(ctx, market.id, Side.SIDE_SELL, levels),
        }).finish();
      },
    },
    {
      path: `${P}Orders`,
      handle(ctx, data) {
        const req = q.QueryOrdersRequest.decode(data);
        if (!isValidAddress(req.owner)) throw grpcInvalidArgument(`invalid owner address "${req.owner}"`);
        const orders = [...allOwnerOrders(ctx, req.owner)].filter((o) => req.market === "" || o.market === req.market);
        return q.QueryOrdersResponse.encode({ orders }).finish();
      },
    },
    {
      path: `${P}Trades`,
      handle(ctx, data) {
        const req = q.QueryTradesRequest.decode(data);
        if (getMarket(ctx, req.market) === undefined) throw grpcNotFound(`market ${req.market} not found`);
        const limit = Math.min(req.limit === 0 ? 50 : req.limit, 500);
        return q.QueryTradesResponse.encode({ trades: recentTrades(ctx, req.market, limit) }).finish();
      },
    },
  ];
}
