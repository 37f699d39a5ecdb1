/** One thin handler per orderbook message: validate, call the keeper, encode the response. */
import { MarketStatus, MarketType } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import * as tx from "../../chain/codec/generated/strike/orderbook/v1/tx.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { msgRoute } from "../../chain/runtime/msgRoute.js";
import type { MsgRoute } from "../../chain/runtime/types.js";
import { sdkErrors } from "../../chain/types/errors.js";
import { decFromString } from "../../chain/types/fixed/index.js";
import { checkBundleShape, placeBundle } from "./bundle.js";
import { batchCancel, cancelAll, cancelOrder, replaceOrder } from "./cancelOrders.js";
import { orderbookErrors } from "./errors.js";
import type { Execution } from "./execute.js";
import { MAX_CANCELS_PER_MSG, MODULE_NAME } from "./keys.js";
import { validateMarket } from "./markets.js";
import { checkSpecShape, requireMarket } from "./orderSpec.js";
import { placeOrder, type OrderbookDeps, type PlaceResult } from "./placeOrder.js";
import { getMarket, getParams, setMarket } from "./state.js";
import { formatPrice, formatSize } from "./units.js";

const T = "/strike.orderbook.v1.";

function placeResponse(
  ctx: Parameters<MsgRoute["handle"]>[0],
  marketId: string,
  r: PlaceResult | Execution,
): tx.MsgPlaceOrderResponse {
  const market = requireMarket(ctx, marketId);
  return {
    orderId: r.orderId,
    status: r.status,
    filled: formatSize(market, r.filled),
    remaining: formatSize(market, r.remaining),
    fills: r.fills.map((f) => ({
      makerOrderId: f.makerOrderId,
      price: formatPrice(f.price),
      size: formatSize(market, f.size),
      fee: formatPrice(f.takerFee),
    })),
  };
}

function checkCancelCount(n: number): void {
  if (n === 0) throw orderbookErrors.invalidOrder("no client ids given");
  if (n > MAX_CANCELS_PER_MSG) throw orderbookErrors.invalidOrder(`at most ${MAX_CANCELS_PER_MSG} cancels per message`);
}

function checkSigner(address: string): void {
  if (!isValidAddress(address)) throw sdkErrors.invalidAddress(`invalid signer address "${address}"`);
}

function requireAuthority(ctx: Parameters<MsgRoute["handle"]>[0], signer: string): void {
  const authority = getParams(ctx).authority;
  if (authority === "" || authority !== signer) throw orderbookErrors.unauthorized(`${signer} may not change markets`);
}

export function orderbookMsgRoutes(deps: OrderbookDeps): MsgRoute<unknown>[] {
  const account = (m: { owner: string; subaccount: number }) => ({ owner: m.owner, number: m.subaccount });
  return [
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgPlaceOrder`,
      codec: tx.MsgPlaceOrder,
      response: tx.MsgPlaceOrderResponse,
      signer: (m) => m.owner,
      validateBasic(m) {
        checkSigner(m.owner);
        checkSpecShape(m.order);
      },
      handle: (ctx, m) => placeResponse(ctx, m.order!.market, placeOrder(ctx, deps, account(m), m.order!)),
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgCancelOrder`,
      codec: tx.MsgCancelOrder,
      response: tx.MsgCancelOrderResponse,
      signer: (m) => m.owner,
      validateBasic(m) {
        checkSigner(m.owner);
        if ((m.orderId === 0n) === (m.clientId === 0n))
          throw orderbookErrors.invalidOrder("give exactly one of order id and client id");
      },
      handle: (ctx, m) => {
        cancelOrder(ctx, account(m), m.market, m.orderId, m.clientId);
        return {};
      },
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgBatchCancel`,
      codec: tx.MsgBatchCancel,
      response: tx.MsgBatchCancelResponse,
      signer: (m) => m.owner,
      validateBasic(m) {
        checkSigner(m.owner);
        checkCancelCount(m.clientIds.length);
      },
      handle: (ctx, m) => ({
        cancelled: batchCancel(ctx, account(m), m.market, m.clientIds),
      }),
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgCancelAll`,
      codec: tx.MsgCancelAll,
      response: tx.MsgCancelAllResponse,
      signer: (m) => m.owner,
      validateBasic(m) {
        checkSigner(m.owner);
      },
      handle: (ctx, m) => ({
        cancelled: cancelAll(ctx, account(m), m.market),
      }),
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgReplaceOrder`,
      codec: tx.MsgReplaceOrder,
      response: tx.MsgPlaceOrderResponse,
      signer: (m) => m.owner,
      validateBasic(m) {
        checkSigner(m.owner);
        checkSpecShape(m.order);
      },
      handle: (ctx, m) =>
        placeResponse(ctx, m.order!.market, replaceOrder(ctx, deps, account(m), m.clientId, m.order!)),
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgPlaceBundle`,
      codec: tx.MsgPlaceBundle,
      response: tx.MsgPlaceBundleResponse,
      signer: (m) => m.owner,
      validateBasic(m) {
        checkSigner(m.owner);
        checkBundleShape(m.legs, m.maxNetCost);
      },
      handle: (ctx, m) => {
        const r = placeBundle(ctx, deps, account(m), m.legs, m.maxNetCost);
        return {
          legs: r.legs.map((leg, i) => placeResponse(ctx, m.legs[i]!.market, leg)),
          netCost: (r.netCost < 0n ? "-" : "") + formatPrice(r.netCost < 0n ? -r.netCost : r.netCost),
        };
      },
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgCreateMarket`,
      codec: tx.MsgCreateMarket,
      response: tx.MsgCreateMarketResponse,
      signer: (m) => m.authority,
      validateBasic(m) {
        checkSigner(m.authority);
        if (m.market === undefined) throw orderbookErrors.invalidMarket("market is missing");
        validateMarket({ ...m.market, status: MarketStatus.MARKET_STATUS_ACTIVE });
      },
      handle: (ctx, m) => {
        requireAuthority(ctx, m.authority);
        const market = { ...m.market!, status: MarketStatus.MARKET_STATUS_ACTIVE };
        if (getMarket(ctx, market.id) !== undefined) throw orderbookErrors.invalidMarket(`${market.id} already exists`);
        setMarket(ctx, market);
        ctx.events.emit("market_created", [["market", market.id]]);
        return {};
      },
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgSetImpliedVolatility`,
      codec: tx.MsgSetImpliedVolatility,
      response: tx.MsgSetImpliedVolatilityResponse,
      signer: (m) => m.authority,
      validateBasic(m) {
        checkSigner(m.authority);
        let iv: bigint;
        try {
          iv = decFromString(m.impliedVolatility);
        } catch {
          throw orderbookErrors.invalidMarket(`implied volatility "${m.impliedVolatility}" is not a decimal`);
        }
        if (iv <= 0n || iv > 5n * 10n ** 18n)
          throw orderbookErrors.invalidMarket("implied volatility must be in (0, 5]");
      },
      handle: (ctx, m) => {
        requireAuthority(ctx, m.authority);
        const market = requireMarket(ctx, m.market);
        if (market.type !== MarketType.MARKET_TYPE_OPTION || market.option === undefined)
          throw orderbookErrors.invalidMarket(`${m.market} is not an option market`);
        setMarket(ctx, { ...market, option: { ...market.option, impliedVolatility: m.impliedVolatility } });
        deps.margin.marketRepriced(ctx, market.id);
        ctx.events.emit("implied_volatility_set", [
          ["market", m.market],
          ["implied_volatility", m.impliedVolatility],
        ]);
        return {};
      },
    }),
  ];
}
