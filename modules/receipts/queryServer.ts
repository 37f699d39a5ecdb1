/** receipts queries on /strike.receipts.v1.Query/*: params and the roots kept for a height. */
import * as q from "../../chain/codec/generated/strike/receipts/v1/query.js";
import { grpcNotFound } from "../../chain/runtime/queryErrors.js";
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
  ];
}
