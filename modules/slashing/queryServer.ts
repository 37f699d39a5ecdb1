/** slashing queries on /strike.slashing.v1.Query/*: signing infos and params. */
import * as q from "../../chain/codec/generated/strike/slashing/v1/query.js";
import { grpcInvalidArgument, grpcNotFound } from "../../chain/runtime/queryErrors.js";
import type { QueryRoute } from "../../chain/runtime/types.js";
import { fromHex } from "../../chain/types/bytes.js";
import type { SlashingKeeper } from "./keeper.js";
import { paramsToProto } from "./state.js";

const P = "/strike.slashing.v1.Query/";

export function slashingQueryRoutes(keeper: SlashingKeeper): QueryRoute[] {
  return [
    {
      path: `${P}SigningInfo`,
      pointReadsOnly: true,
      handle(ctx, data) {
        const req = q.QuerySigningInfoRequest.decode(data);
        if (!/^[0-9a-fA-F]{40}$/.test(req.consAddress))
          throw grpcInvalidArgument(`"${req.consAddress}" is not a 40-character hex consensus address`);
        const info = keeper.signingInfo(ctx, fromHex(req.consAddress.toLowerCase()));
        if (info === undefined) throw grpcNotFound(`signing info for ${req.consAddress.toUpperCase()}`);
        return q.QuerySigningInfoResponse.encode({ info }).finish();
      },
    },
    {
      path: `${P}SigningInfos`,
      handle(ctx, data) {
        q.QuerySigningInfosRequest.decode(data);
        return q.QuerySigningInfosResponse.encode({ infos: keeper.signingInfos(ctx) }).finish();
      },
    },
    {
      path: `${P}Params`,
      pointReadsOnly: true,
      handle: (ctx) => q.QueryParamsResponse.encode({ params: paramsToProto(keeper.params(ctx)) }).finish(),
    },
  ];
}
