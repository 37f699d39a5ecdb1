/**
 * oracle queries on /strike.oracle.v1.Query/*. Staleness is judged as a tx in the next
 * block would see it (query height + 1), so a query and a trade agree.
 */
import {
  QueryFeedersRequest,
  QueryFeedersResponse,
  QueryParamsResponse,
  QueryPriceRequest,
  QueryPriceResponse,
  QueryPricesResponse,
} from "../../chain/codec/generated/strike/oracle/v1/query.js";
import type { OraclePrice as OraclePriceProto } from "../../chain/codec/generated/strike/oracle/v1/oracle.js";
import type { QueryContext, QueryRoute } from "../../chain/runtime/types.js";
import { decToString } from "../../chain/types/fixed/index.js";
import { oracleErrors } from "./errors.js";
import type { BlockPoint, OracleKeeper, OraclePrice } from "./keeper.js";
import { QUERY_PATH_PREFIX } from "./keys.js";
import { checkAssetSymbol } from "./validation.js";
import { encodeMessage } from "../../chain/codec/encode.js";

export function oraclePriceToProto(p: OraclePrice): OraclePriceProto {
  return {
    asset: p.asset,
    price: decToString(p.price),
    height: p.height,
    timeSeconds: p.timeSeconds,
    stale: p.stale,
    freshSince: p.freshSince,
  };
}

/**
 * The next block's time is unknown to a query: the latest block's time stands in for it,
 * so a query may call a price fresh that the next block (a little later) finds stale.
 */
function nextBlockPoint(ctx: QueryContext): BlockPoint {
  return { height: ctx.height + 1n, timeSeconds: ctx.time?.seconds ?? 0n };
}

export function oracleQueryRoutes(keeper: OracleKeeper): QueryRoute[] {
  return [
    {
      path: `${QUERY_PATH_PREFIX}Price`,
      pointReadsOnly: true,
      handle(ctx, data) {
        const { asset } = QueryPriceRequest.decode(data);
        checkAssetSymbol(asset);
        const price = keeper.priceAt(ctx, asset, nextBlockPoint(ctx));
        if (price === undefined) throw oracleErrors.unknownAsset(asset, { asset });
        return encodeMessage(QueryPriceResponse, { price: oraclePriceToProto(price) });
      },
    },
    {
      path: `${QUERY_PATH_PREFIX}Prices`,
      handle: (ctx) =>
        encodeMessage(QueryPricesResponse, {
          prices: keeper.pricesAt(ctx, nextBlockPoint(ctx)).map(oraclePriceToProto),
        }),
    },
    {
      path: `${QUERY_PATH_PREFIX}Params`,
      pointReadsOnly: true,
      handle: (ctx) => encodeMessage(QueryParamsResponse, { params: keeper.params(ctx) }),
    },
    {
      path: `${QUERY_PATH_PREFIX}Feeders`,
      handle(ctx, data) {
        QueryFeedersRequest.decode(data);
        const feeders = keeper.listFeeders(ctx);
        const validatorFeeders = keeper
          .listValidatorFeeders(ctx)
          .map((f) => ({ ...f, weight: keeper.weights.weightOf(ctx, f.feeder) }));
        return encodeMessage(QueryFeedersResponse, {
          feeders,
          totalWeight: keeper.weights.totalWeight(ctx),
          validatorFeeders,
        });
      },
    },
  ];
}
