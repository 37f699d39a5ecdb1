/**
 * The market feed's marks (chain/indexer/marketFeed.ts): the margin module's Marks query at the
 * latest committed height, through the typed client, so the websocket shows the marks margin
 * values positions at. Lives in app/ because only the composition root knows a module's queries.
 */
import { strikeQueries } from "../chain/client/queries.js";
import { createQueryRpc } from "../chain/client/queryRpc.js";
import type { MarkPrices, MarkSource } from "../chain/indexer/markTracker.js";
import type { QueryRequest, QueryResponse } from "../chain/types/abci.js";

export function createMarkSource(query: (req: QueryRequest) => Promise<QueryResponse>): MarkSource {
  const { margin } = strikeQueries(
    createQueryRpc((path, data, height) => query({ path, data, height: height ?? 0n, prove: false })),
  );
  return {
    async marks(): Promise<MarkPrices> {
      const r = await margin.Marks({ market: "" });
      return {
        height: r.height,
        marks: r.marks.map((m) => ({ market: m.market, mark: m.mark, spot: m.spot, stale: m.stale })),
      };
    },
  };
}
