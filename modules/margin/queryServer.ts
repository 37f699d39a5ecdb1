/**
 * margin queries: an owner's subaccounts with positions and risk, the insurance fund, every
 * market's mark, the params, and each perpetual's funding.
 */
import {
  QueryFundingRequest,
  QueryFundingResponse,
  QueryInsuranceFundRequest,
  QueryInsuranceFundResponse,
  QueryMarksRequest,
  QueryMarksResponse,
  type MarkPrice,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryPositionRequest,
  QueryPositionResponse,
  QuerySubaccountsRequest,
  QuerySubaccountsResponse,
} from "../../chain/codec/generated/strike/margin/v1/query.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { MarketType, type Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { grpcInvalidArgument, grpcNotFound } from "../../chain/runtime/queryErrors.js";
import type { QueryContext, QueryRoute } from "../../chain/runtime/types.js";
import type { MarketReaderWithList, RiskContext } from "./expectedKeepers.js";
import { fundingSchedule, marketFunding } from "./fundingView.js";
import type { MarginKeeper } from "./keeper.js";
import { markOf, type MarketMark } from "./marks.js";
import { decString, subaccountView } from "./views.js";
import { encodeMessage } from "../../chain/codec/encode.js";

const P = "/strike.margin.v1.Query/";

function riskContext(ctx: QueryContext): RiskContext {
  return { kv: (k) => ctx.kv(k), block: { height: ctx.height, time: { seconds: ctx.time?.seconds ?? 0n } } };
}

function markPrice(m: MarketMark): MarkPrice {
  return {
    market: m.market.id,
    type: m.market.type,
    underlying: m.market.underlying,
    mark: m.mark === undefined ? "" : decString(m.mark),
    spot: m.spot === undefined ? "" : decString(m.spot),
    stale: m.stale,
    settled: m.settled,
  };
}

const isPerpetual = (m: Market): boolean => m.type === MarketType.MARKET_TYPE_PERPETUAL;

/** The markets a Funding request asks for: every perpetual, or the one named (a clear refusal otherwise). */
function fundingMarkets(ctx: QueryContext, markets: MarketReaderWithList, id: string): Market[] {
  const perpetuals = [...markets.allMarkets(ctx)].filter(isPerpetual);
  if (id === "") return perpetuals;
  const known = `the perpetual markets are ${perpetuals.map((m) => m.id).join(", ") || "none"}`;
  const m = markets.getMarket(ctx, id);
  if (m === undefined) throw grpcNotFound(`market ${id} not found; ${known}`);
  if (!isPerpetual(m)) throw grpcInvalidArgument(`${id} is an option market: options pay no funding; ${known}`);
  return [m];
}

export function marginQueryRoutes(keeper: MarginKeeper, markets: MarketReaderWithList): QueryRoute[] {
  return [
    {
      path: `${P}Subaccounts`,
      handle(ctx, data) {
        const req = QuerySubaccountsRequest.decode(data);
        if (!isValidAddress(req.owner)) throw grpcInvalidArgument(`invalid owner address "${req.owner}"`);
        const rc = riskContext(ctx);
        const subaccounts = keeper.subaccounts(ctx, req.owner).map((s) => subaccountView(rc, keeper, s));
        return encodeMessage(QuerySubaccountsResponse, { subaccounts });
      },
    },
    {
      path: `${P}Position`,
      // Point reads only: served at past heights too (the state last checkpointed on L1).
      pointReadsOnly: true,
      handle(ctx, data) {
        const req = QueryPositionRequest.decode(data);
        if (!isValidAddress(req.owner)) throw grpcInvalidArgument(`invalid owner address "${req.owner}"`);
        if (req.market === "") throw grpcInvalidArgument("market is required");
        const position = keeper.position(ctx, { owner: req.owner, number: req.subaccount }, req.market);
        return encodeMessage(QueryPositionResponse, { position, found: position !== undefined });
      },
    },
    {
      path: `${P}InsuranceFund`,
      handle(ctx, data) {
        QueryInsuranceFundRequest.decode(data);
        return encodeMessage(QueryInsuranceFundResponse, { balance: keeper.insuranceBalance(ctx).toString() });
      },
    },
    {
      path: `${P}Marks`,
      handle(ctx, data) {
        const req = QueryMarksRequest.decode(data);
        let chosen: Market[];
        if (req.market === "") chosen = [...markets.allMarkets(ctx)];
        else {
          const m = markets.getMarket(ctx, req.market);
          if (m === undefined) throw grpcNotFound(`market ${req.market} not found`);
          chosen = [m];
        }
        const rc = riskContext(ctx);
        const marks = chosen.map((m) => markPrice(markOf(rc, keeper.deps, m)));
        return encodeMessage(QueryMarksResponse, { height: ctx.height, marks });
      },
    },
    {
      path: `${P}Params`,
      handle(ctx, data) {
        QueryParamsRequest.decode(data);
        return encodeMessage(QueryParamsResponse, { params: keeper.params(ctx) });
      },
    },
    {
      path: `${P}Funding`,
      handle(ctx, data) {
        const req = QueryFundingRequest.decode(data);
        const chosen = fundingMarkets(ctx, markets, req.market);
        const params = keeper.params(ctx);
        const rc = riskContext(ctx);
        const { last, next } = fundingSchedule(ctx.height, params.fundingIntervalBlocks);
        return encodeMessage(QueryFundingResponse, {
          height: ctx.height,
          time: ctx.time?.seconds ?? 0n,
          fundingIntervalBlocks: params.fundingIntervalBlocks,
          maxFundingRate: params.maxFundingRate,
          lastPaymentHeight: last,
          nextPaymentHeight: next,
          markets: chosen.map((m) => marketFunding(rc, keeper.deps, keeper.book, m)),
        });
      },
    },
  ];
}
