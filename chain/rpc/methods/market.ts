/**
 * Strike's market-data methods: candles and the trade tape from the node's index, the book
 * snapshot with its sequence number, and `strike_subscribe` / `strike_unsubscribe` for the
 * live topics (book deltas, trades, candles, prices, one account's orders and fills).
 * Topic messages are pushed with the id of the subscribe call, as CometBFT pushes events.
 */
import { isCandleInterval, type CandleInterval } from "../../indexer/marketData.js";
import type { MarketTopic } from "../../indexer/marketFeed.js";
import { isStrikeError } from "../../types/errors.js";
import type { CallContext, RouteTable } from "../context.js";
import { rpcErrors } from "../errors.js";
import { resultFrame } from "../render/frames.js";
import type { Args } from "../params.js";
import type { MarketDataView } from "../services.js";

const MAX_LIMIT = 1000;
const MARKET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ADDRESS = /^[a-z]{1,20}1[02-9ac-hj-np-z]{38,90}$/;

function marketData(ctx: CallContext): MarketDataView {
  const view = ctx.services.marketData;
  if (view === undefined) throw rpcErrors.unavailable("market data is not indexed on this node");
  return view;
}

function marketArg(args: Args): string {
  const market = args.string("market");
  if (market === undefined || !MARKET_ID.test(market))
    throw rpcErrors.invalidParams(`market is required (a market id such as ETH-PERP)`);
  return market;
}

function intervalArg(args: Args): CandleInterval {
  const interval = args.string("interval") ?? "1m";
  if (!isCandleInterval(interval)) throw rpcErrors.invalidParams(`interval "${interval}": one of 1m, 5m, 1h, 1d`);
  return interval;
}

function limitArg(args: Args, fallback: number): number {
  const limit = args.smallInt("limit") ?? fallback;
  if (limit < 1 || limit > MAX_LIMIT) throw rpcErrors.invalidParams(`limit ${limit}: between 1 and ${MAX_LIMIT}`);
  return limit;
}

/** The topic a subscribe call names, validated; its text is the subscription's key. */
export function topicOf(args: Args): { key: string; topic: MarketTopic } {
  const topic = args.string("topic");
  switch (topic) {
    case "book":
    case "trades": {
      const market = marketArg(args);
      return { key: `${topic}:${market}`, topic: { topic, market } };
    }
    case "candles": {
      const market = marketArg(args);
      const interval = intervalArg(args);
      return { key: `candles:${market}:${interval}`, topic: { topic, market, interval } };
    }
    case "prices":
      return { key: "prices", topic: { topic } };
    case "account": {
      const address = args.string("address");
      if (address === undefined || !ADDRESS.test(address))
        throw rpcErrors.invalidParams("address is required (a bech32 account address)");
      return { key: `account:${address}`, topic: { topic, address } };
    }
    default:
      throw rpcErrors.invalidParams(`topic "${topic ?? ""}": one of book, trades, candles, prices, account`);
  }
}

async function subscribe(ctx: CallContext, args: Args) {
  const ws = ctx.ws;
  if (ws === undefined) throw rpcErrors.subscription("subscriptions are only available over the websocket");
  const { feed } = marketData(ctx);
  const { key, topic } = topicOf(args);
  if (feed.numSubscriptions(ws.subscriberId) >= ctx.limits.maxSubscriptionsPerClient * 4)
    throw rpcErrors.subscription(`at most ${ctx.limits.maxSubscriptionsPerClient * 4} market topics per client`);
  const id = ctx.id;
  try {
    const snapshot = await feed.subscribe(ws.subscriberId, key, topic, (message) =>
      ws.sendFrame(id, () => resultFrame(id, message)),
    );
    return { subscribed: key, ...(snapshot === undefined ? {} : { snapshot }) };
  } catch (e) {
    throw rpcErrors.subscription(`failed to subscribe: ${isStrikeError(e) ? e.message : String(e)}`);
  }
}

async function unsubscribe(ctx: CallContext, args: Args) {
  const ws = ctx.ws;
  if (ws === undefined) throw rpcErrors.subscription("subscriptions are only available over the websocket");
  // Outside the try: a bad topic is invalid params, as for strike_subscribe.
  const { key } = topicOf(args);
  try {
    marketData(ctx).feed.unsubscribe(ws.subscriberId, key);
  } catch (e) {
    throw rpcErrors.subscription(isStrikeError(e) ? e.message : String(e));
  }
  return {};
}

async function book(ctx: CallContext, args: Args) {
  const market = marketArg(args);
  try {
    return await marketData(ctx).feed.snapshot(market);
  } catch (e) {
    if (rpcErrors.unavailable.is(e)) throw e;
    // The book source's refusals name the book already (app/bookSource.ts).
    throw rpcErrors.notFound(isStrikeError(e) ? e.message : `book of ${market}: ${String(e)}`);
  }
}

const topicArgs = [
  { name: "topic", kind: "string" },
  { name: "market", kind: "string" },
  { name: "interval", kind: "string" },
  { name: "address", kind: "string" },
] as const;

export const marketRoutes: RouteTable = {
  strike_candles: {
    args: [
      { name: "market", kind: "string" },
      { name: "interval", kind: "string" },
      { name: "limit", kind: "int" },
    ],
    handler: async (ctx, args) => {
      const market = marketArg(args);
      const interval = intervalArg(args);
      const candles = await marketData(ctx).index.candles(market, interval, limitArg(args, 100));
      return { market, interval, candles };
    },
  },
  strike_trades: {
    args: [
      { name: "market", kind: "string" },
      { name: "limit", kind: "int" },
    ],
    handler: async (ctx, args) => {
      const market = marketArg(args);
      return { market, trades: await marketData(ctx).index.trades(market, limitArg(args, 50)) };
    },
  },
  strike_book: { args: [{ name: "market", kind: "string" }], handler: book },
  strike_subscribe: { args: topicArgs, wsOnly: true, handler: subscribe },
  strike_unsubscribe: { args: topicArgs, wsOnly: true, handler: unsubscribe },
};
