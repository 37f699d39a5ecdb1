/** Builders for the orderbook messages beyond MsgPlaceOrder (see fixture.ts for deposits, orders, prices). */
import type { EncodeObject } from "@cosmjs/proto-signing";
import {
  MarketStatus,
  MarketType,
  OptionKind,
  type Market,
} from "../../../chain/codec/generated/strike/orderbook/v1/market.js";
import { Side } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { BundleLeg, OrderSpec } from "../../../chain/codec/generated/strike/orderbook/v1/tx.js";

const T = "/strike.orderbook.v1.";

export function cancelOrder(
  owner: string,
  market: string,
  by: { orderId: bigint } | { clientId: bigint },
  subaccount = 0,
): EncodeObject {
  return {
    typeUrl: `${T}MsgCancelOrder`,
    value: {
      owner,
      subaccount,
      market,
      orderId: "orderId" in by ? by.orderId : 0n,
      clientId: "clientId" in by ? by.clientId : 0n,
    },
  };
}

export function batchCancel(owner: string, market: string, clientIds: bigint[], subaccount = 0): EncodeObject {
  return { typeUrl: `${T}MsgBatchCancel`, value: { owner, subaccount, market, clientIds } };
}

export function cancelAll(owner: string, market = "", subaccount = 0): EncodeObject {
  return { typeUrl: `${T}MsgCancelAll`, value: { owner, subaccount, market } };
}

export function replaceOrder(owner: string, clientId: bigint, order: OrderSpec, subaccount = 0): EncodeObject {
  return { typeUrl: `${T}MsgReplaceOrder`, value: { owner, subaccount, clientId, order } };
}

export function leg(market: string, side: "buy" | "sell", size: string, price: string): BundleLeg {
  return { market, side: side === "buy" ? Side.SIDE_BUY : Side.SIDE_SELL, size, price };
}

export function placeBundle(owner: string, legs: BundleLeg[], maxNetCost = "", subaccount = 0): EncodeObject {
  return { typeUrl: `${T}MsgPlaceBundle`, value: { owner, subaccount, legs, maxNetCost } };
}

export function createMarket(authority: string, market: Market): EncodeObject {
  return { typeUrl: `${T}MsgCreateMarket`, value: { authority, market } };
}

export function setImpliedVolatility(authority: string, market: string, impliedVolatility: string): EncodeObject {
  return { typeUrl: `${T}MsgSetImpliedVolatility`, value: { authority, market, impliedVolatility } };
}

/** A perpetual on ETH like ETH-PERP, with overrides (e.g. a small max_open_orders). */
export function ethPerpetual(id: string, extra: Partial<Market> = {}): Market {
  return {
    id,
    type: MarketType.MARKET_TYPE_PERPETUAL,
    underlying: "ETH",
    sizeDecimals: 3,
    tickSize: 100_000n,
    lotSize: 1n,
    minNotional: 1_000_000n,
    maxOpenOrders: 200,
    makerFeeRate: "0.0002",
    takerFeeRate: "0.0005",
    initialMarginFraction: "0.05",
    maintenanceMarginFraction: "0.03",
    option: undefined,
    status: MarketStatus.MARKET_STATUS_ACTIVE,
    ...extra,
  };
}

/** An ETH option market with the default ladder's units (size 0.01, tick 0.1 USDC). */
export function ethOption(id: string, kind: "call" | "put", strikeUsdc: bigint, expiry: bigint, iv = "0.6"): Market {
  return {
    id,
    type: MarketType.MARKET_TYPE_OPTION,
    underlying: "ETH",
    sizeDecimals: 2,
    tickSize: 100_000n,
    lotSize: 1n,
    minNotional: 100_000n,
    maxOpenOrders: 200,
    makerFeeRate: "0.0002",
    takerFeeRate: "0.0005",
    initialMarginFraction: "0",
    maintenanceMarginFraction: "0",
    option: {
      kind: kind === "call" ? OptionKind.OPTION_KIND_CALL : OptionKind.OPTION_KIND_PUT,
      strikePrice: strikeUsdc * 1_000_000n,
      expiryTime: expiry,
      impliedVolatility: iv,
      settlementPrice: 0n,
    },
    status: MarketStatus.MARKET_STATUS_ACTIVE,
  };
}
