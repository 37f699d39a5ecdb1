/**
 * One position's size, read with the margin module's Position query (point reads, so it is
 * served at past heights too) through the typed client: what the receipt stream's finality
 * tiers read (finalityEvents.ts). Lives in app/ because only the composition root knows a
 * module's queries.
 */
import { strikeQueries } from "../chain/client/queries.js";
import { createQueryRpc } from "../chain/client/queryRpc.js";
import type { QueryRequest, QueryResponse } from "../chain/types/abci.js";
import type { PositionSizeReader } from "./finalityEvents.js";

export function createPositionSizeReader(query: (req: QueryRequest) => Promise<QueryResponse>): PositionSizeReader {
  const rpc = (height: bigint) =>
    strikeQueries(createQueryRpc((path, data, h) => query({ path, data, height: h ?? 0n, prove: false }), { height }));
  const latest = rpc(0n);
  return async (p, height) => {
    const q = height === undefined ? latest : rpc(height);
    const r = await q.margin.Position({ owner: p.owner, subaccount: p.subaccount, market: p.market });
    return r.position?.size ?? 0n;
  };
}
