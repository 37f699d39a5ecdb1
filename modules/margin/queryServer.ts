/** margin queries: an owner's subaccounts with positions and risk, and the insurance fund. */
import {
  QueryInsuranceFundRequest,
  QueryInsuranceFundResponse,
  QuerySubaccountsRequest,
  QuerySubaccountsResponse,
} from "../../chain/codec/generated/strike/margin/v1/query.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { grpcInvalidArgument } from "../../chain/runtime/queryErrors.js";
import type { QueryContext, QueryRoute } from "../../chain/runtime/types.js";
import type { RiskContext } from "./expectedKeepers.js";
import type { MarginKeeper } from "./keeper.js";
import { subaccountView } from "./views.js";

const P = "/strike.margin.v1.Query/";

function riskContext(ctx: QueryContext): RiskContext {
  return { kv: (k) => ctx.kv(k), block: { height: ctx.height, time: { seconds: ctx.time?.seconds ?? 0n } } };
}

export function marginQueryRoutes(keeper: MarginKeeper): QueryRoute[] {
  return [
    {
      path: `${P}Subaccounts`,
      handle(ctx, data) {
        const req = QuerySubaccountsRequest.decode(data);
        if (!isValidAddress(req.owner)) throw grpcInvalidArgument(`invalid owner address "${req.owner}"`);
        const rc = riskContext(ctx);
        const subaccounts = keeper.subaccounts(ctx, req.owner).map((s) => subaccountView(rc, keeper, s));
        return QuerySubaccountsResponse.encode({ subaccounts }).finish();
      },
    },
    {
      path: `${P}InsuranceFund`,
      handle(ctx, data) {
        QueryInsuranceFundRequest.decode(data);
        return QueryInsuranceFundResponse.encode({ balance: keeper.insuranceBalance(ctx).toString() }).finish();
      },
    },
  ];
}
