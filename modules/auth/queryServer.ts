/** auth queries: /cosmos.auth.v1beta1.Query/Account and /Params. */
import { QueryAccountRequest, QueryAccountResponse, QueryParamsResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { Any } from "cosmjs-types/google/protobuf/any";
import { isValidAddress } from "../../chain/crypto/address.js";
import { grpcInvalidArgument, grpcNotFound } from "../../chain/runtime/queryErrors.js";
import type { QueryRoute } from "../../chain/runtime/types.js";
import type { AccountKeeper } from "./keeper.js";
import { rawAccounts } from "./state.js";

export function authQueryRoutes(keeper: AccountKeeper): QueryRoute[] {
  return [
    {
      path: "/cosmos.auth.v1beta1.Query/Account",
      pointReadsOnly: true,
      handle(ctx, data) {
        const { address } = QueryAccountRequest.decode(data);
        if (address === "") throw grpcInvalidArgument("Address cannot be empty");
        if (!isValidAddress(address)) throw grpcInvalidArgument(`invalid address ${address}`);
        const raw = rawAccounts.get(ctx, address);
        if (raw === undefined) throw grpcNotFound(`account ${address} not found`);
        return QueryAccountResponse.encode({ account: Any.decode(raw) }).finish();
      },
    },
    {
      path: "/cosmos.auth.v1beta1.Query/Params",
      pointReadsOnly: true,
      handle: (ctx) => QueryParamsResponse.encode({ params: keeper.params(ctx) }).finish(),
    },
  ];
}
