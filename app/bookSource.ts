/**
 * The market feed's view of the order book (chain/indexer/marketFeed.ts): the whole book of
 * one market, aggregated by price, read through the orderbook module's Book query at the
 * latest committed height. Lives in app/ because only the composition root may know a
 * module's query types.
 */
import * as q from "../chain/codec/generated/strike/orderbook/v1/query.js";
import type { BookLevels, BookLevelsSource } from "../chain/indexer/marketFeed.js";
import { indexerErrors } from "../chain/indexer/errors.js";
import type { QueryRequest, QueryResponse } from "../chain/types/abci.js";

/** The orderbook query's own cap on levels per side. */
const MAX_LEVELS = 500;

export function createBookSource(query: (req: QueryRequest) => Promise<QueryResponse>): BookLevelsSource {
  return {
    async book(market: string): Promise<BookLevels> {
      const res = await query({
        path: "/strike.orderbook.v1.Query/Book",
        data: q.QueryBookRequest.encode({ market, levels: MAX_LEVELS }).finish(),
        height: 0n,
        prove: false,
      });
      if (res.code !== 0) throw indexerErrors.invalidQuery(`book of ${market}: ${res.log}`);
      const book = q.QueryBookResponse.decode(res.value);
      const level = (l: q.BookLevel): [string, string] => [l.price.toString(), l.size.toString()];
      return { height: res.height, bids: book.bids.map(level), asks: book.asks.map(level) };
    },
  };
}
