/** One thin handler per orderbook message: validate, call the keeper, encode the response. */
import { MarketStatus, MarketType } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import * as tx from "../../chain/codec/generated/strike/orderbook/v1/tx.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import type { AnyMsg, MsgRoute } from "../../chain/runtime/types.js";
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

interface Codec<M> {
  decode(b: Uint8Array): M;
}
interface ResponseCodec<R> {
  encode(r: R): { finish(): Uint8Array };
}

function route<M extends { owner?: string; authority?: string }, R>(
  name: string,
  codec: Codec<M>,
  response: ResponseCodec<R>,
  validate: (m: M) => void,
  handle: (ctx: Parameters<MsgRoute<M>["handle"]>[0], m: M) => R,
): MsgRoute<unknown> {
  const signer = (m: M) => m.owner ?? m.authority ?? "";
  const r: MsgRoute<M> = {
    typeUrl: `${T}${name}`,
    module: MODULE_NAME,
    decode: (b) => codec.decode(b),
    signers: (m) => [signer(m)],
    validateBasic(m) {
      if (!isValidAddress(signer(m))) throw sdkErrors.invalidAddress(`invalid signer address "${signer(m)}"`);
      validate(m);
    },
    handle(ctx, m): AnyMsg {
      return { typeUrl: `${T}${name}Response`, value: response.encode(handle(ctx, m)).finish() };
    },
  };
  return r as MsgRoute<unknown>;
}

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

function requireAuthority(ctx: Parameters<MsgRoute["handle"]>[0], signer: string): void {
  const authority = getParams(ctx).authority;
  if (authority === "" || authority !== signer) throw orderbookErrors.unauthorized(`${signer} may not change markets`);
}

export function orderbookMsgRoutes(deps: OrderbookDeps): MsgRoute<unknown>[] {
  const account = (m: { owner: string; subaccount: number }) => ({ owner: m.owner, number: m.subaccount });
  return [
    route(
      "MsgPlaceOrder",
      tx.MsgPlaceOrder,
      tx.MsgPlaceOrderResponse,
      (m) => void checkSpecShape(m.order),
      (ctx, m) => placeResponse(ctx, m.order!.market, placeOrder(ctx, deps, account(m), m.order!)),
    ),
    route(
      "MsgCancelOrder",
      tx.MsgCancelOrder,
      tx.MsgCancelOrderResponse,
      (m) => {
        if ((m.orderId === 0n) === (m.clientId === 0n))
          throw orderbookErrors.invalidOrder("give exactly one of order id and client id");
      },
      (ctx, m) => {
        cancelOrder(ctx, account(m), m.market, m.orderId, m.clientId);
        return {};
      },
    ),
    route(
      "MsgBatchCancel",
      tx.MsgBatchCancel,
      tx.MsgBatchCancelResponse,
      (m) => checkCancelCount(m.clientIds.length),
      (ctx, m) => ({
        cancelled: batchCancel(ctx, account(m), m.market, m.clientIds),
      }),
    ),
    route(
      "MsgCancelAll",
      tx.MsgCancelAll,
      tx.MsgCancelAllResponse,
      () => undefined,
      (ctx, m) => ({
        cancelled: cancelAll(ctx, account(m), m.market),
      }),
    ),
    route(
      "MsgReplaceOrder",
      tx.MsgReplaceOrder,
      tx.MsgPlaceOrderResponse,
      (m) => void checkSpecShape(m.order),
      (ctx, m) => placeResponse(ctx, m.order!.market, replaceOrder(ctx, deps, account(m), m.clientId, m.order!)),
    ),
    route(
      "MsgPlaceBundle",
      tx.MsgPlaceBundle,
      tx.MsgPlaceBundleResponse,
      (m) => checkBundleShape(m.legs, m.maxNetCost),
      (ctx, m) => {
        const r = placeBundle(ctx, deps, account(m), m.legs, m.maxNetCost);
        return {
          legs: r.legs.map((leg, i) => placeResponse(ctx, m.legs[i]!.market, leg)),
          netCost: (r.netCost < 0n ? "-" : "") + formatPrice(r.netCost < 0n ? -r.netCost : r.netCost),
        };
      },
    ),
    route(
      "MsgCreateMarket",
      tx.MsgCreateMarket,
      tx.MsgCreateMarketResponse,
      (m) => {
        if (m.market === undefined) throw orderbookErrors.invalidMarket("market is missing");
        validateMarket({ ...m.market, status: MarketStatus.MARKET_STATUS_ACTIVE });
      },
      (ctx, m) => {
        requireAuthority(ctx, m.authority);
        const market = { ...m.market!, status: MarketStatus.MARKET_STATUS_ACTIVE };
        if (getMarket(ctx, market.id) !== undefined) throw orderbookErrors.invalidMarket(`${market.id} already exists`);
        setMarket(ctx, market);
        ctx.events.emit("market_created", [["market", market.id]]);
        return {};
      },
    ),
    route(
      "MsgSetImpliedVolatility",
      tx.MsgSetImpliedVolatility,
      tx.MsgSetImpliedVolatilityResponse,
      (m) => {
        let iv: bigint;
        try {
          iv = decFromString(m.impliedVolatility);
        } catch {
          throw orderbookErrors.invalidMarket(`implied volatility "${m.impliedVolatility}" is not a decimal`);
        }
        if (iv <= 0n || iv > 5n * 10n ** 18n)
          throw orderbookErrors.invalidMarket("implied volatility must be in (0, 5]");
      },
      (ctx, m) => {
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
    ),
  ];
}
