/**
 * A websocket client that closes while its strike_subscribe is still waiting in the market
 * feed's queue (behind a block's book reads, or its own snapshot read) leaves nothing behind.
 */
import test from "ava";
import { WebSocket } from "ws";
import { openMarketData } from "../../../chain/indexer/marketData.js";
import { createMarketFeed, type BookLevels, type MarketFeed } from "../../../chain/indexer/marketFeed.js";
import { startRpcServer } from "../../../chain/rpc/server.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import type { FinalizeBlockResponse } from "../../../chain/types/abci.js";
import { buildHarness } from "./fixture.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a subscription whose client closed before the feed registered it is dropped, and its book is no longer read", async (t) => {
  const h = await buildHarness();
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  let bookReads = 0;
  const inner = createMarketFeed({
    book: async (): Promise<BookLevels> => {
      bookReads++;
      await gate;
      return { height: 1n, bids: [["100", "1"]], asks: [] };
    },
  });
  const subscribers: string[] = [];
  const feed: MarketFeed = {
    ...inner,
    subscribe: (subscriberId, ...rest) => {
      subscribers.push(subscriberId);
      return inner.subscribe(subscriberId, ...rest);
    },
  };
  const index = await openMarketData({ db: createMemoryDatabase() });
  const server = await startRpcServer({
    laddr: "tcp://127.0.0.1:0",
    services: { ...h.services, marketData: { index, feed } },
  });
  try {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/websocket`);
    await new Promise((r) => ws.once("open", r));
    ws.send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "strike_subscribe",
        params: { topic: "book", market: "ETH-PERP" },
      }),
    );
    while (bookReads === 0) await sleep(5);
    ws.terminate();
    // Let the server see the close while the snapshot read is still pending.
    await sleep(200);
    release();
    await inner.idle();
    t.is(subscribers.length, 1);
    t.is(inner.numSubscriptions(subscribers[0]!), 0, "the closed client holds no subscription");
    const reads = bookReads;
    const empty: FinalizeBlockResponse = { events: [], txResults: [], validatorUpdates: [], appHash: new Uint8Array() };
    inner.blockCommitted(2n, empty, { trades: [], candles: [] });
    await inner.idle();
    t.is(bookReads, reads, "nobody follows the book: it is not read again");
  } finally {
    await server.close();
  }
});
