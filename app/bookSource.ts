/**
 * The market feed's view of the order book (chain/indexer/marketFeed.ts): the whole book of
 * one market, aggregated by price, read through the orderbook module's Book query at the
 * latest committed height. Lives in app/ because only the composition root may know a
 * module's query types.
 */
import { appQuerier } from "../chain/client/comet.js";
import { strikeQueries } from "../chain/client/queries.js";
import { createQueryRpc, refusedAs } from "../chain/client/queryRpc.js";
import type { BookLevel } from "../chain/codec/generated/strike/orderbook/v1/query.js";
import type { BookLevels, BookLevelsSource } from "../chain/indexer/marketFeed.js";
import { indexerErrors } from "../chain/indexer/errors.js";
import type { QueryRequest, QueryResponse } from "../chain/types/abci.js";

/** The orderbook query's own cap on levels per side. */
const MAX_LEVELS = 500;

export function createBookSource(query: (req: QueryRequest) => Promise<QueryResponse>): BookLevelsSource {
  return {
    async book(market: string): Promise<BookLevels> {
      // The levels carry the height they were read at: keep it from the answer.
      let height = 0n;
      const orderbook = strikeQueries(
        createQueryRpc(
          appQuerier(async (req) => {
            const res = await query(req);
            height = res.height;
            return res;
          }),
        ),
      ).orderbook;
      const book = await orderbook
        .Book({ market, levels: MAX_LEVELS })
        .catch(refusedAs((r) => indexerErrors.invalidQuery(`book of ${market}: ${r.log}`)));
      const level = (l: BookLevel): [string, string] => [l.price.toString(), l.size.toString()];
      return { height, bids: book.bids.map(level), asks: book.asks.map(level) };
    },
  };
}
