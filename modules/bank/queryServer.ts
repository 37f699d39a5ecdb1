/** bank queries on /cosmos.bank.v1beta1.Query/*, request and response bytes as cosmjs sends and expects them. */
import * as q from "cosmjs-types/cosmos/bank/v1beta1/query";
import { Metadata } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import { isValidAddress } from "../../chain/crypto/address.js";
import { isValidDenom } from "../../chain/runtime/coins.js";
import { paginate } from "../../chain/runtime/pagination.js";
import { grpcInvalidArgument, grpcNotFound } from "../../chain/runtime/queryErrors.js";
import type { QueryRoute } from "../../chain/runtime/types.js";
import { concatBytes } from "../../chain/types/bytes.js";
import type { BankKeeper } from "./keeper.js";
import { BALANCES_PREFIX, DENOM_METADATA_PREFIX, STORE_KEY, SUPPLY_PREFIX } from "./keys.js";
import { addressBalancePrefix } from "./state.js";

const P = "/cosmos.bank.v1beta1.Query/";
const text = new TextDecoder();

function checkAddress(address: string): void {
  if (address === "") throw grpcInvalidArgument("empty address string is not allowed");
  if (!isValidAddress(address)) throw grpcInvalidArgument(`invalid address ${address}`);
}

function checkDenom(denom: string): void {
  if (!isValidDenom(denom)) throw grpcInvalidArgument(`invalid denom ${denom}`);
}

export function bankQueryRoutes(keeper: BankKeeper): QueryRoute[] {
  return [
    {
      path: `${P}Balance`,
      pointReadsOnly: true,
      handle(ctx, data) {
        const req = q.QueryBalanceRequest.decode(data);
        checkAddress(req.address);
        checkDenom(req.denom);
        const amount = keeper.getBalance(ctx, req.address, req.denom);
        return q.QueryBalanceResponse.encode({ balance: { denom: req.denom, amount: amount.toString() } }).finish();
      },
    },
    {
      path: `${P}AllBalances`,
      handle(ctx, data) {
        const req = q.QueryAllBalancesRequest.decode(data);
        checkAddress(req.address);
        const prefix = concatBytes(BALANCES_PREFIX, addressBalancePrefix(req.address));
        const page = paginate(ctx.kv(STORE_KEY), prefix, req.pagination, (k, v) => ({
          denom: text.decode(k),
          amount: text.decode(v),
        }));
        return q.QueryAllBalancesResponse.encode({ balances: page.items, pagination: page.pagination }).finish();
      },
    },
    {
      path: `${P}TotalSupply`,
      handle(ctx, data) {
        const req = q.QueryTotalSupplyRequest.decode(data);
        const page = paginate(ctx.kv(STORE_KEY), SUPPLY_PREFIX, req.pagination, (k, v) => ({
          denom: text.decode(k),
          amount: text.decode(v),
        }));
        return q.QueryTotalSupplyResponse.encode({ supply: page.items, pagination: page.pagination }).finish();
      },
    },
    {
      path: `${P}SupplyOf`,
      pointReadsOnly: true,
      handle(ctx, data) {
        const req = q.QuerySupplyOfRequest.decode(data);
        checkDenom(req.denom);
        return q.QuerySupplyOfResponse.encode({
          amount: { denom: req.denom, amount: keeper.getSupply(ctx, req.denom).toString() },
        }).finish();
      },
    },
    {
      path: `${P}DenomMetadata`,
      pointReadsOnly: true,
      handle(ctx, data) {
        const req = q.QueryDenomMetadataRequest.decode(data);
        checkDenom(req.denom);
        const metadata = keeper.getDenomMetadata(ctx, req.denom);
        if (metadata === undefined) throw grpcNotFound(`client metadata for denom ${req.denom}`);
        return q.QueryDenomMetadataResponse.encode({ metadata }).finish();
      },
    },
    {
      path: `${P}DenomsMetadata`,
      handle(ctx, data) {
        const req = q.QueryDenomsMetadataRequest.decode(data);
        const page = paginate(ctx.kv(STORE_KEY), DENOM_METADATA_PREFIX, req.pagination, (_k, v) => Metadata.decode(v));
        return q.QueryDenomsMetadataResponse.encode({ metadatas: page.items, pagination: page.pagination }).finish();
      },
    },
    {
      path: `${P}Params`,
      pointReadsOnly: true,
      handle: (ctx) =>
        q.QueryParamsResponse.encode({
          params: { sendEnabled: [], defaultSendEnabled: keeper.params(ctx).defaultSendEnabled },
        }).finish(),
    },
  ];
}
