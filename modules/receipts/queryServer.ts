/**
 * receipts queries on /strike.receipts.v1.Query/*: params, the roots kept for a height, a
 * reporter's commitments waiting for their reveal, and the reward claims not paid yet.
 */
import * as q from "../../chain/codec/generated/strike/receipts/v1/query.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { grpcInvalidArgument, grpcNotFound } from "../../chain/runtime/queryErrors.js";
import type { QueryRoute } from "../../chain/runtime/types.js";
import type { ReceiptsKeeper } from "./keeper.js";
import { paramsToProto } from "./state.js";

const P = "/strike.receipts.v1.Query/";

export function receiptsQueryRoutes(keeper: ReceiptsKeeper): QueryRoute[] {
  return [
    {
      path: `${P}Params`,
      pointReadsOnly: true,
      handle: (ctx) => q.QueryParamsResponse.encode({ params: paramsToProto(keeper.params(ctx)) }).finish(),
    },
    {
      path: `${P}HeaderRoots`,
      pointReadsOnly: true,
      handle(ctx, data) {
        const req = q.QueryHeaderRootsRequest.decode(data);
        const roots = keeper.roots(ctx, req.height);
        if (roots === undefined) throw grpcNotFound(`header roots of height ${req.height} (outside the window?)`);
        return q.QueryHeaderRootsResponse.encode({ roots }).finish();
      },
    },
    {
      path: `${P}Commitments`,
      handle(ctx, data) {
        const { reporter } = q.QueryCommitmentsRequest.decode(data);
        if (!isValidAddress(reporter)) throw grpcInvalidArgument(`reporter "${reporter}" is not a valid address`);
        return q.QueryCommitmentsResponse.encode({ commitments: keeper.commitmentsOf(ctx, reporter) }).finish();
      },
    },
    {
      path: `${P}Claims`,
      handle(ctx, data) {
        const { reporter } = q.QueryClaimsRequest.decode(data);
        if (reporter !== "" && !isValidAddress(reporter))
          throw grpcInvalidArgument(`reporter "${reporter}" is not a valid address`);
        const claims = keeper.claims(ctx).filter((c) => reporter === "" || c.reporter === reporter);
        return q.QueryClaimsResponse.encode({ claims }).finish();
      },
    },
  ];
}
