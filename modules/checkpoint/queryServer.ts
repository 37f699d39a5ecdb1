/** checkpoint queries on /strike.checkpoint.v1.Query/*: one checkpoint (or the latest), a range, params, a validator's Ethereum or BLS key. */
import * as q from "../../chain/codec/generated/strike/checkpoint/v1/query.js";
import { hexlify } from "ethers";
import { decToString } from "../../chain/types/fixed/index.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { grpcInvalidArgument, grpcNotFound } from "../../chain/runtime/queryErrors.js";
import type { QueryRoute } from "../../chain/runtime/types.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { CheckpointKeeper } from "./keeper.js";
import { QUERY_PATH_PREFIX as P } from "./keys.js";

const MAX_LIMIT = 100;

function withSignatures(keeper: CheckpointKeeper, src: StoreSource, height: bigint): q.QueryCheckpointResponse {
  const checkpoint = keeper.checkpoint(src, height);
  if (checkpoint === undefined) throw grpcNotFound(`checkpoint at height ${height}`);
  return { checkpoint, signatures: keeper.signaturesOf(src, height) };
}

export function checkpointQueryRoutes(keeper: CheckpointKeeper): QueryRoute[] {
  return [
    {
      path: `${P}Checkpoint`,
      handle(ctx, data) {
        const req = q.QueryCheckpointRequest.decode(data);
        const height = req.height === 0n ? keeper.latestHeight(ctx) : req.height;
        if (height === undefined) throw grpcNotFound("no checkpoint yet");
        return q.QueryCheckpointResponse.encode(withSignatures(keeper, ctx, height)).finish();
      },
    },
    {
      path: `${P}Checkpoints`,
      handle(ctx, data) {
        const req = q.QueryCheckpointsRequest.decode(data);
        const limit = req.limit === 0 ? 20 : Math.min(req.limit, MAX_LIMIT);
        const checkpoints = keeper
          .checkpointsAfter(ctx, req.afterHeight, limit)
          .map((cp) => withSignatures(keeper, ctx, cp.height));
        return q.QueryCheckpointsResponse.encode({ checkpoints }).finish();
      },
    },
    {
      path: `${P}Params`,
      pointReadsOnly: true,
      handle(ctx) {
        const p = keeper.params(ctx);
        return q.QueryParamsResponse.encode({
          params: { ...p, slashFractionEquivocation: decToString(p.slashFractionEquivocation) },
        }).finish();
      },
    },
    {
      path: `${P}EthKey`,
      pointReadsOnly: true,
      handle(ctx, data) {
        const req = q.QueryEthKeyRequest.decode(data);
        if (!isValidAddress(req.operator)) throw grpcInvalidArgument(`"${req.operator}" is not an operator address`);
        const ethAddress = keeper.ethKey(ctx, req.operator);
        if (ethAddress === undefined) throw grpcNotFound(`Ethereum key of ${req.operator}`);
        return q.QueryEthKeyResponse.encode({ key: { operator: req.operator, ethAddress } }).finish();
      },
    },
    {
      path: `${P}BlsKey`,
      pointReadsOnly: true,
      handle(ctx, data) {
        const req = q.QueryBlsKeyRequest.decode(data);
        const byKey = req.publicKey.length > 0;
        if (byKey === (req.operator !== ""))
          throw grpcInvalidArgument("name the validator by exactly one of operator and public_key");
        if (!byKey && !isValidAddress(req.operator))
          throw grpcInvalidArgument(`"${req.operator}" is not an operator address`);
        if (byKey && req.publicKey.length !== 128)
          throw grpcInvalidArgument(`public_key must be 128 bytes, got ${req.publicKey.length}`);
        const key = byKey ? keeper.blsKeyByPublicKey(ctx, req.publicKey) : keeper.blsKey(ctx, req.operator);
        if (key === undefined) throw grpcNotFound(`BLS key of ${byKey ? hexlify(req.publicKey) : req.operator}`);
        return q.QueryBlsKeyResponse.encode({ key }).finish();
      },
    },
  ];
}
