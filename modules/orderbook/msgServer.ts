/** One thin handler per orderbook message: validate, call the keeper, encode the response. */
import { MarketStatus } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { Side } from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import * as tx from "../../chain/codec/generated/strike/orderbook/v1/tx.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { msgRoute } from "../../chain/runtime/msgRoute.js";
import type { MsgRoute } from "../../chain/runtime/types.js";
import { sdkErrors } from "../../chain/types/errors.js";
import { decFromString } from "../../chain/types/fixed/index.js";
import { checkBundleShape } from "./bundle.js";
import { orderbookErrors } from "./errors.js";
import type { Execution } from "./execute.js";
import { MAX_CANCELS_PER_MSG, MODULE_NAME } from "./keys.js";
import { validateMarket } from "./markets.js";
import type { OrderbookKeeper } from "./keeper.js";
import { checkSpecShape, requireMarket } from "./orderSpec.js";
import type { PlaceResult } from "./placeOrder.js";
import { formatPrice, formatSize } from "./units.js";

const T = "/strike.orderbook.v1.";

/** The placed order's side of its fills: market, side, owner and subaccount. */
interface Taker {
  market: string;
  side: Side;
  owner: string;
  subaccount: number;
}

function placeResponse(
  ctx: Parameters<MsgRoute["handle"]>[0],
  taker: Taker,
  r: PlaceResult | Execution,
): tx.MsgPlaceOrderResponse {
  const market = requireMarket(ctx, taker.market);
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
      tradeSeq: f.tradeSeq,
      maker: f.maker,
      makerSubaccount: f.makerSubaccount,
      priceUnits: f.price,
      sizeUnits: f.size,
      takerFeeUnits: f.takerFee.toString(),
      makerFeeUnits: f.makerFee.toString(),
    })),
    // The stored market's id, as its trade events name it (a receipt's fills are checked against both).
    market: market.id,
    side: taker.side,
    owner: taker.owner,
    subaccount: taker.subaccount,
  };
}

function checkCancelCount(n: number): void {
  if (n === 0) throw orderbookErrors.invalidOrder("no client ids given");
  if (n > MAX_CANCELS_PER_MSG) throw orderbookErrors.invalidOrder(`at most ${MAX_CANCELS_PER_MSG} cancels per message`);
}

function checkSigner(address: string): void {
  if (!isValidAddress(address)) throw sdkErrors.invalidAddress(`invalid signer address "${address}"`);
}

export function orderbookMsgRoutes(keeper: OrderbookKeeper): MsgRoute<unknown>[] {
  const account = (m: { owner: string; subaccount: number }) => ({ owner: m.owner, number: m.subaccount });
  const taker = (m: { owner: string; subaccount: number }, o: { market: string; side: Side }): Taker => ({
    market: o.market,
    side: o.side,
    owner: m.owner,
    subaccount: m.subaccount,
  });
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
      handle: (ctx, m) => placeResponse(ctx, taker(m, m.order!), keeper.placeOrder(ctx, account(m), m.order!)),
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
        keeper.cancelOrder(ctx, account(m), m.market, m.orderId, m.clientId);
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
        cancelled: keeper.batchCancel(ctx, account(m), m.market, m.clientIds),
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
        cancelled: keeper.cancelAll(ctx, account(m), m.market),
      }),
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgReplaceOrder`,
      codec: tx.MsgReplaceOrder,
      response: tx.MsgReplaceOrderResponse,
      signer: (m) => m.owner,
      validateBasic(m) {
        checkSigner(m.owner);
        checkSpecShape(m.order);
      },
      handle: (ctx, m) =>
        placeResponse(ctx, taker(m, m.order!), keeper.replaceOrder(ctx, account(m), m.clientId, m.order!)),
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
        const r = keeper.placeBundle(ctx, account(m), m.legs, m.maxNetCost);
        return {
          legs: r.legs.map((leg, i) => placeResponse(ctx, taker(m, m.legs[i]!), leg)),
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
        keeper.createMarket(ctx, m.authority, m.market!);
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
        keeper.setImpliedVolatility(ctx, m.authority, m.market, m.impliedVolatility);
        return {};
      },
    }),
  ];
}
