/**
 * Live market-data topics for websocket clients: book deltas with a per-market sequence
 * number (and the snapshot they apply to), trades, candles, oracle prices, marks and funding,
 * and one account's orders and fills. Everything comes from committed blocks' generic events;
 * the book's levels come from a `BookLevelsSource` and the marks from a `MarkSource` the node
 * provides (app queries): the feed never prices anything itself.
 *
 * Book deltas are the difference between the book after a block and the book the feed held
 * before it, so applying them to the snapshot always gives the book as queried. All work
 * (block processing, snapshots, subscriptions) runs on one queue: a subscriber registered
 * together with its snapshot at sequence n receives exactly the deltas n+1, n+2, … A client
 * that sees a gap resubscribes for a fresh snapshot.
 */
import type { AbciEvent, FinalizeBlockResponse } from "../types/abci.js";
import { indexerErrors } from "./errors.js";
import {
  marketEventLists,
  type Candle,
  type CandleInterval,
  type MarketDataUpdate,
  type TapeTrade,
} from "./marketData.js";
import { createMarkTracker, type MarkSource } from "./markTracker.js";

export type { MarketMark, MarkPrices, MarkSource } from "./markTracker.js";

/** [price, size] in the market's integer units, as decimal text; size "0" removes a level. */
export type BookLevel = [price: string, size: string];

export interface BookLevels {
  /** The committed height the levels were read at. */
  height: bigint;
  /** Best first. */
  bids: BookLevel[];
  asks: BookLevel[];
}

export interface BookLevelsSource {
  /** The market's whole book, aggregated by price; throws if the market does not exist. */
  book(market: string): Promise<BookLevels>;
}

export type MarketTopic =
  | { topic: "book"; market: string }
  | { topic: "trades"; market: string }
  | { topic: "candles"; market: string; interval: CandleInterval }
  | { topic: "prices" }
  | { topic: "account"; address: string };

export interface BookMessage {
  topic: "book";
  market: string;
  seq: string;
  height: string;
  /** True for the snapshot a subscription starts from; otherwise a delta. */
  snapshot: boolean;
  bids: BookLevel[];
  asks: BookLevel[];
}

/**
 * The prices topic: an oracle price (`asset`, `price`, …), a funding payment (`market`, `rate`,
 * …) or a mark that moved (`market`, `mark`, `spot`, `stale` "true"/"false"), all in `attributes`.
 */
export interface PricesMessage {
  topic: "prices";
  height: string;
  kind: "oracle" | "funding" | "mark";
  attributes: Record<string, string>;
}

export type FeedMessage =
  | BookMessage
  | { topic: "trades"; market: string; trade: TapeTrade }
  | { topic: "candles"; market: string; candle: Candle }
  | PricesMessage
  | { topic: "account"; address: string; height: string; kind: string; attributes: Record<string, string> };

export type FeedPush = (message: FeedMessage) => void;

export interface MarketFeed {
  /** Registers `push` for the topic under `key`; a book subscription resolves with its snapshot. */
  subscribe(subscriberId: string, key: string, topic: MarketTopic, push: FeedPush): Promise<BookMessage | undefined>;
  unsubscribe(subscriberId: string, key: string): void;
  unsubscribeAll(subscriberId: string): void;
  numSubscriptions(subscriberId: string): number;
  /** The book the feed holds, with its sequence number (tracking starts at the first request). */
  snapshot(market: string): Promise<BookMessage>;
  /** Called once per committed block, in height order. */
  blockCommitted(height: bigint, results: FinalizeBlockResponse, update: MarketDataUpdate): void;
  /** Resolves when everything queued so far has been processed (tests; a closed websocket's pending subscribes). */
  idle(): Promise<void>;
}

interface Subscription {
  topic: MarketTopic;
  push: FeedPush;
}

interface TrackedBook {
  seq: bigint;
  height: bigint;
  bids: Map<string, string>;
  asks: Map<string, string>;
}

const ORDER_EVENTS = new Set(["order_placed", "order_cancelled", "order_expired", "order_triggered"]);

function attributesOf(e: AbciEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of e.attributes) out[a.key] = a.value;
  return out;
}

/** End-block events and those of the block's successful txs, one after another (marketData.ts `marketEventLists`). */
function* blockEvents(results: FinalizeBlockResponse): Generator<AbciEvent> {
  for (const list of marketEventLists(results)) yield* list;
}

/** Levels present in `next` with a new size, and levels gone from it with size "0", best first. */
export function diffLevels(before: Map<string, string>, next: BookLevel[]): BookLevel[] {
  const out: BookLevel[] = [];
  const seen = new Set<string>();
  for (const [price, size] of next) {
    seen.add(price);
    if (before.get(price) !== size) out.push([price, size]);
  }
  for (const price of before.keys()) if (!seen.has(price)) out.push([price, "0"]);
  return out;
}

function levelsOf(side: Map<string, string>, descending: boolean): BookLevel[] {
  return [...side.entries()].sort(([a], [b]) => {
    const d = BigInt(a) - BigInt(b);
    return (d < 0n ? -1 : d > 0n ? 1 : 0) * (descending ? -1 : 1);
  });
}

/**
 * `marks`: where mark prices are read after a block that may have moved them (without it the
 * prices topic carries oracle prices and funding only).
 */
export function createMarketFeed(source: BookLevelsSource, marks?: MarkSource): MarketFeed {
  const clients = new Map<string, Map<string, Subscription>>();
  const books = new Map<string, TrackedBook>();
  const markTracker = marks === undefined ? undefined : createMarkTracker(marks);
  let queue: Promise<unknown> = Promise.resolve();

  function enqueue<T>(work: () => Promise<T> | T): Promise<T> {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  }

  function deliver(matches: (t: MarketTopic) => boolean, message: FeedMessage): void {
    for (const [subscriberId, subs] of [...clients]) {
      for (const sub of subs.values()) {
        if (!matches(sub.topic)) continue;
        try {
          sub.push(message);
        } catch {
          // The client is too slow or gone: its socket is being closed; stop feeding it.
          clients.delete(subscriberId);
          break;
        }
      }
    }
  }

  function snapshotOf(market: string, b: TrackedBook): BookMessage {
    return {
      topic: "book",
      market,
      seq: b.seq.toString(),
      height: b.height.toString(),
      snapshot: true,
      bids: levelsOf(b.bids, true),
      asks: levelsOf(b.asks, false),
    };
  }

  async function track(market: string): Promise<TrackedBook> {
    const known = books.get(market);
    if (known !== undefined) return known;
    const levels = await source.book(market);
    const b: TrackedBook = { seq: 0n, height: levels.height, bids: new Map(levels.bids), asks: new Map(levels.asks) };
    books.set(market, b);
    return b;
  }

  function watched(market: string): boolean {
    for (const subs of clients.values())
      for (const sub of subs.values()) if (sub.topic.topic === "book" && sub.topic.market === market) return true;
    return false;
  }

  async function refreshBooks(): Promise<void> {
    for (const [market, b] of [...books]) {
      // Nobody follows it any more: stop reading it every block (a new subscriber starts from a new snapshot).
      if (!watched(market)) {
        books.delete(market);
        continue;
      }
      const levels = await source.book(market);
      const bids = diffLevels(b.bids, levels.bids);
      const asks = diffLevels(b.asks, levels.asks);
      b.height = levels.height;
      if (bids.length === 0 && asks.length === 0) continue;
      b.bids = new Map(levels.bids);
      b.asks = new Map(levels.asks);
      b.seq += 1n;
      const delta: BookMessage = {
        topic: "book",
        market,
        seq: b.seq.toString(),
        height: b.height.toString(),
        snapshot: false,
        bids,
        asks,
      };
      deliver((t) => t.topic === "book" && t.market === market, delta);
    }
  }

  function followed(topic: MarketTopic["topic"]): boolean {
    for (const subs of clients.values()) for (const sub of subs.values()) if (sub.topic.topic === topic) return true;
    return false;
  }

  /** Sends the marks a block moved (nobody following prices: the tracker forgets its basis). */
  async function refreshMarks(events: Iterable<AbciEvent>): Promise<void> {
    if (markTracker === undefined) return;
    if (!followed("prices")) return markTracker.stop();
    for (const { height, attributes } of await markTracker.moved(events))
      deliver((t) => t.topic === "prices", { topic: "prices", height, kind: "mark", attributes });
  }

  function publishEvents(height: bigint, results: FinalizeBlockResponse, update: MarketDataUpdate): void {
    const h = height.toString();
    for (const trade of update.trades) {
      deliver((t) => t.topic === "trades" && t.market === trade.market, {
        topic: "trades",
        market: trade.market,
        trade,
      });
      for (const address of new Set([trade.maker, trade.taker])) {
        const role = trade.maker === trade.taker ? "both" : trade.maker === address ? "maker" : "taker";
        deliver((t) => t.topic === "account" && t.address === address, {
          topic: "account",
          address,
          height: h,
          kind: "fill",
          attributes: { ...tradeAttributes(trade), role },
        });
      }
    }
    for (const candle of update.candles) {
      deliver((t) => t.topic === "candles" && t.market === candle.market && t.interval === candle.interval, {
        topic: "candles",
        market: candle.market,
        candle,
      });
    }
    for (const e of blockEvents(results)) {
      if (e.type === "oracle_price" || e.type === "funding") {
        const kind = e.type === "funding" ? "funding" : "oracle";
        deliver((t) => t.topic === "prices", { topic: "prices", height: h, kind, attributes: attributesOf(e) });
      } else if (ORDER_EVENTS.has(e.type)) {
        const attributes = attributesOf(e);
        const owner = attributes["owner"];
        if (owner === undefined) continue;
        deliver((t) => t.topic === "account" && t.address === owner, {
          topic: "account",
          address: owner,
          height: h,
          kind: e.type,
          attributes,
        });
      }
    }
  }

  return {
    subscribe(subscriberId, key, topic, push) {
      return enqueue(async () => {
        const subs = clients.get(subscriberId);
        if (subs?.has(key)) throw indexerErrors.alreadySubscribed(`"${key}"`);
        const snapshot = topic.topic === "book" ? snapshotOf(topic.market, await track(topic.market)) : undefined;
        if (topic.topic === "prices") await markTracker?.start();
        const target = clients.get(subscriberId) ?? new Map<string, Subscription>();
        target.set(key, { topic, push });
        clients.set(subscriberId, target);
        return snapshot;
      });
    },
    unsubscribe(subscriberId, key) {
      const subs = clients.get(subscriberId);
      if (subs?.delete(key) !== true) throw indexerErrors.notSubscribed(`"${key}"`);
      if (subs.size === 0) clients.delete(subscriberId);
    },
    unsubscribeAll(subscriberId) {
      clients.delete(subscriberId);
    },
    numSubscriptions: (subscriberId) => clients.get(subscriberId)?.size ?? 0,
    snapshot: (market) => enqueue(async () => snapshotOf(market, await track(market))),
    blockCommitted(height, results, update) {
      void enqueue(async () => {
        publishEvents(height, results, update);
        // A failed mark read is retried at the next block that moves a price; the books go on.
        await refreshMarks(blockEvents(results)).catch(() => undefined);
        await refreshBooks();
      }).catch(() => {
        // A failed book read (the node is stopping) leaves the books as they were; the next block retries.
      });
    },
    idle: () => enqueue(() => undefined),
  };
}

function tradeAttributes(t: TapeTrade): Record<string, string> {
  return {
    market: t.market,
    seq: t.seq,
    price: t.price,
    size: t.size,
    taker_side: t.taker_side,
    maker: t.maker,
    taker: t.taker,
    liquidation: String(t.liquidation),
    ...(t.maker_fee === undefined || t.taker_fee === undefined
      ? {}
      : { maker_fee: t.maker_fee, taker_fee: t.taker_fee }),
  };
}
