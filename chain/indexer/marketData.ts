/**
 * Market data in the node's index: the trade tape and OHLCV candles (1m, 5m, 1h, 1d by
 * block time), built from the `trade` events of block results. The index is node-local:
 * written in the block's own batch (so a crash leaves it at the last committed height) and
 * rebuilt from stored block results when it is behind the block store (a node that
 * predates it, or a changed layout). Events are generic data here: chain/ knows only that a
 * `trade` event carries market, seq, price, size and taker_side.
 *
 *   0x2b | height u64                                   → the trades indexed at that height: (len u8 | market | count u32 | seq u64*)*
 *   0x2c | len u8 | market | seq u64                     → trade (JSON)
 *   0x2d | len u8 | market | interval u8 | open u64     → candle (JSON)
 *   0x2e | len u8 | market | interval u8                → the market's latest candle (JSON)
 *   0x2f                                                → last indexed height u64
 *
 * The tape keeps the trades of the heights the block store keeps (`pruneBelow`, following
 * app.toml `min-retain-blocks`); each height's 0x2b entry names its trades, so pruning reads
 * no trade to find them. Candles are kept: their number grows with time, not with load
 * (1,749 a day per market). Trades indexed before 0x2b existed have no entry and stay.
 */
import type { BlockStoreReader, Database, WriteBatch } from "../store/types.js";
import type { AbciEvent, FinalizeBlockResponse } from "../types/abci.js";
import {
  concatBytes,
  fromUtf8,
  prefixEnd,
  readU32be,
  readU64be,
  u64be,
  utf8,
  writeU32be,
  writeU64be,
} from "../types/bytes.js";
import { indexerErrors } from "./errors.js";

const TAPE_HEIGHT = 0x2b;
const TRADE = 0x2c;
const CANDLE = 0x2d;
const LATEST_CANDLE = 0x2e;
const HEIGHT = 0x2f;

export const CANDLE_INTERVALS = { "1m": 60n, "5m": 300n, "1h": 3600n, "1d": 86400n } as const;
export type CandleInterval = keyof typeof CANDLE_INTERVALS;
const INTERVAL_IDS: Record<CandleInterval, number> = { "1m": 1, "5m": 2, "1h": 3, "1d": 4 };

/** A trade as the tape shows it; prices and sizes are the market's integer units, as text. */
export interface TapeTrade {
  market: string;
  seq: string;
  height: string;
  /** Block time, unix seconds. */
  time: string;
  price: string;
  size: string;
  taker_side: string;
  maker: string;
  taker: string;
  liquidation: boolean;
  /** The fee each side paid, in uusdc (absent for trades indexed before the events carried it). */
  maker_fee?: string;
  taker_fee?: string;
}

export interface Candle {
  market: string;
  interval: CandleInterval;
  /** Start of the bucket, unix seconds. */
  open_time: string;
  open: string;
  high: string;
  low: string;
  close: string;
  /** Sum of trade sizes, in the market's size units. */
  volume: string;
  trades: number;
}

export interface MarketDataIndex {
  /** Adds a committed block's trades and candles to `batch` (the block's own batch); returns what changed. */
  index(batch: WriteBatch, height: bigint, timeSeconds: bigint, results: FinalizeBlockResponse): MarketDataUpdate;
  /** The latest `limit` candles, oldest first. */
  candles(market: string, interval: CandleInterval, limit: number): Promise<Candle[]>;
  /** The latest `limit` trades, newest first. */
  trades(market: string, limit: number): Promise<TapeTrade[]>;
  /** The height the index has reached. */
  readonly height: bigint;
  /**
   * Deletes the trades of heights below `height` from the tape, in batches of their own (each
   * takes a height's trades whole, with its 0x2b entry); resolves when the run that takes them
   * is done. Candles stay.
   */
  pruneBelow(height: bigint): Promise<void>;
  /** Stops pruning after the batch being written (the node's shutdown, before the database closes). */
  close(): Promise<void>;
}

export interface MarketDataUpdate {
  trades: TapeTrade[];
  /** Candles changed by this block (their state after it). */
  candles: Candle[];
}

export function isCandleInterval(s: string): s is CandleInterval {
  return Object.hasOwn(CANDLE_INTERVALS, s);
}

function marketPrefix(tag: number, market: string, extra: number): Uint8Array {
  const m = utf8(market);
  if (m.length > 255) throw indexerErrors.invalidQuery(`market id longer than 255 bytes`);
  const out = new Uint8Array(2 + m.length + extra);
  out[0] = tag;
  out[1] = m.length;
  out.set(m, 2);
  return out;
}

function tradeKey(market: string, seq: bigint): Uint8Array {
  const out = marketPrefix(TRADE, market, 8);
  writeU64be(out, out.length - 8, seq);
  return out;
}

function candleKey(market: string, interval: CandleInterval, open: bigint): Uint8Array {
  const out = marketPrefix(CANDLE, market, 9);
  out[out.length - 9] = INTERVAL_IDS[interval];
  writeU64be(out, out.length - 8, open);
  return out;
}

function tapeHeightKey(height: bigint): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = TAPE_HEIGHT;
  writeU64be(out, 1, height);
  return out;
}

/** A height's 0x2b entry: its trades' sequence numbers by market, in the order the trades came. */
export function encodeTapeHeight(trades: readonly TapeTrade[]): Uint8Array {
  const byMarket = new Map<string, bigint[]>();
  for (const t of trades) {
    let seqs = byMarket.get(t.market);
    if (seqs === undefined) byMarket.set(t.market, (seqs = []));
    seqs.push(BigInt(t.seq));
  }
  const parts: Uint8Array[] = [];
  for (const [market, seqs] of byMarket) {
    const head = marketPrefix(0, market, 4);
    const out = new Uint8Array(head.length - 1 + 8 * seqs.length);
    out.set(head.subarray(1));
    writeU32be(out, head.length - 5, seqs.length);
    seqs.forEach((seq, i) => writeU64be(out, head.length - 1 + 8 * i, seq));
    parts.push(out);
  }
  return concatBytes(...parts);
}

/** The trade keys a 0x2b entry names; throws on bytes that are not one. */
export function tapeHeightTradeKeys(value: Uint8Array): Uint8Array[] {
  const keys: Uint8Array[] = [];
  let o = 0;
  while (o < value.length) {
    const len = value[o]!;
    const countAt = o + 1 + len;
    if (countAt + 4 > value.length) throw indexerErrors.corruptRecord("truncated trade tape height entry");
    const market = fromUtf8(value.subarray(o + 1, countAt));
    const count = readU32be(value, countAt);
    o = countAt + 4;
    if (o + 8 * count > value.length) throw indexerErrors.corruptRecord("truncated trade tape height entry");
    for (let i = 0; i < count; i++, o += 8) keys.push(tradeKey(market, readU64be(value, o)));
  }
  return keys;
}

function latestKey(market: string, interval: CandleInterval): Uint8Array {
  const out = marketPrefix(LATEST_CANDLE, market, 1);
  out[out.length - 1] = INTERVAL_IDS[interval];
  return out;
}

const json = (v: unknown): Uint8Array => utf8(JSON.stringify(v));
const parse = <T>(b: Uint8Array): T => JSON.parse(fromUtf8(b)) as T;

function attrs(e: AbciEvent): Map<string, string> {
  return new Map(e.attributes.map((a) => [a.key, a.value]));
}

const DIGITS = /^\d+$/;

/** A trade event's fees, when it has well-formed ones. */
function feesOf(a: Map<string, string>): Pick<TapeTrade, "maker_fee" | "taker_fee"> {
  const [maker, taker] = [a.get("maker_fee"), a.get("taker_fee")];
  const fee = /^-?[0-9]+$/;
  return maker !== undefined && taker !== undefined && fee.test(maker) && fee.test(taker)
    ? { maker_fee: maker, taker_fee: taker }
    : {};
}

/**
 * The lists of a block's events that are market data: its begin/end-block events and each
 * successful tx's. Walked in place, not copied into one array: a 1,000-tx block of bank sends
 * has ~12,000 events and no trade.
 */
export function marketEventLists(results: FinalizeBlockResponse): (readonly AbciEvent[])[] {
  return [results.events, ...results.txResults.map((r) => (r.code === 0 ? r.events : []))];
}

/** The block's `trade` events (from txs and from begin/end block), in trade-sequence order. */
export function tradesOf(height: bigint, timeSeconds: bigint, results: FinalizeBlockResponse): TapeTrade[] {
  const out: TapeTrade[] = [];
  for (const list of marketEventLists(results))
    for (const e of list) {
      if (e.type !== "trade") continue;
      const a = attrs(e);
      const [market, seq, price, size] = [a.get("market"), a.get("seq"), a.get("price"), a.get("size")];
      if (market === undefined || !DIGITS.test(seq ?? "") || !DIGITS.test(price ?? "") || !DIGITS.test(size ?? ""))
        continue;
      out.push({
        market,
        seq: seq!,
        height: height.toString(),
        time: timeSeconds.toString(),
        price: price!,
        size: size!,
        taker_side: a.get("taker_side") ?? "",
        maker: a.get("maker") ?? "",
        taker: a.get("taker") ?? "",
        liquidation: a.get("liquidation") === "true",
        ...feesOf(a),
      });
    }
  return out.sort((x, y) => (BigInt(x.seq) < BigInt(y.seq) ? -1 : BigInt(x.seq) > BigInt(y.seq) ? 1 : 0));
}

/** Folds one trade into a candle of its bucket (a new candle when the bucket moved on). */
export function foldTrade(previous: Candle | undefined, interval: CandleInterval, t: TapeTrade): Candle {
  const open = (BigInt(t.time) / CANDLE_INTERVALS[interval]) * CANDLE_INTERVALS[interval];
  if (previous === undefined || BigInt(previous.open_time) !== open) {
    return {
      market: t.market,
      interval,
      open_time: open.toString(),
      open: t.price,
      high: t.price,
      low: t.price,
      close: t.price,
      volume: t.size,
      trades: 1,
    };
  }
  const p = BigInt(t.price);
  return {
    ...previous,
    high: p > BigInt(previous.high) ? t.price : previous.high,
    low: p < BigInt(previous.low) ? t.price : previous.low,
    close: t.price,
    volume: (BigInt(previous.volume) + BigInt(t.size)).toString(),
    trades: previous.trades + 1,
  };
}

export interface OpenMarketDataOptions {
  db: Database;
  /** Where a behind index is rebuilt from. */
  blocks?: BlockStoreReader;
}

/** Trades deleted per pruning batch, about (a height's trades are never split between batches). */
const PRUNE_TRADES_PER_BATCH = 4096;
/** 0x2b entries read per pruning batch at most. */
const PRUNE_HEIGHTS_PER_BATCH = 256;

export async function openMarketData({ db, blocks }: OpenMarketDataOptions): Promise<MarketDataIndex> {
  const latest = new Map<string, Candle>();
  for await (const [, value] of db.iterate({ start: Uint8Array.of(LATEST_CANDLE), end: Uint8Array.of(HEIGHT) })) {
    const c = parse<Candle>(value);
    latest.set(`${c.market}\n${c.interval}`, c);
  }
  const stored = await db.get(Uint8Array.of(HEIGHT));
  let height = stored === undefined ? 0n : readU64be(stored, 0);

  function index(batch: WriteBatch, h: bigint, timeSeconds: bigint, results: FinalizeBlockResponse): MarketDataUpdate {
    // A height already indexed (the rebuild met the live path) must not count its trades twice.
    if (h <= height) return { trades: [], candles: [] };
    const trades = tradesOf(h, timeSeconds, results);
    const changed = new Map<string, Candle>();
    for (const t of trades) {
      batch.put(tradeKey(t.market, BigInt(t.seq)), json(t));
      for (const interval of Object.keys(CANDLE_INTERVALS) as CandleInterval[]) {
        const k = `${t.market}\n${interval}`;
        const next = foldTrade(latest.get(k), interval, t);
        latest.set(k, next);
        changed.set(`${k}\n${next.open_time}`, next);
      }
    }
    if (trades.length > 0) batch.put(tapeHeightKey(h), encodeTapeHeight(trades));
    for (const c of changed.values()) {
      batch.put(candleKey(c.market, c.interval, BigInt(c.open_time)), json(c));
      const newest = latest.get(`${c.market}\n${c.interval}`);
      if (newest === c) batch.put(latestKey(c.market, c.interval), json(c));
    }
    batch.put(Uint8Array.of(HEIGHT), u64be(h));
    height = h;
    return { trades, candles: [...changed.values()] };
  }

  /** The lowest height that may still have trades on the tape (found at the first prune), and where pruning is going. */
  let tapeBase: bigint | undefined;
  let pruneTarget = 0n;
  let pruning: Promise<void> | undefined;
  let closed = false;

  async function firstTapeHeight(): Promise<bigint | undefined> {
    for await (const [k] of db.iterate({ start: tapeHeightKey(0n), end: Uint8Array.of(TRADE), limit: 1 }))
      return readU64be(k, 1);
    return undefined;
  }

  /** Deletes the tape's heights [tapeBase, pruneTarget), a batch at a time, each written before the next is read. */
  async function pruneTape(): Promise<void> {
    tapeBase ??= (await firstTapeHeight()) ?? pruneTarget;
    while (tapeBase < pruneTarget && !closed) {
      const target = pruneTarget;
      const batch = db.batch();
      let trades = 0;
      let read = 0;
      let reached = target;
      for await (const [k, v] of db.iterate({
        start: tapeHeightKey(tapeBase),
        end: tapeHeightKey(target),
        limit: PRUNE_HEIGHTS_PER_BATCH,
      })) {
        const keys = tapeHeightTradeKeys(v);
        for (const key of keys) batch.del(key);
        batch.del(k);
        trades += keys.length;
        read++;
        // The next batch starts after this height.
        reached = readU64be(k, 1) + 1n;
        if (trades >= PRUNE_TRADES_PER_BATCH) break;
      }
      // A batch that read every entry left below the target has reached it.
      if (trades < PRUNE_TRADES_PER_BATCH && read < PRUNE_HEIGHTS_PER_BATCH) reached = target;
      await batch.write();
      tapeBase = reached;
      await new Promise((r) => setImmediate(r));
    }
  }

  // Catch up with blocks committed before this index existed (or while it was off).
  if (blocks !== undefined && height < blocks.height) {
    for (let h = height < blocks.base ? blocks.base : height + 1n; h <= blocks.height; h++) {
      const [block, results] = await Promise.all([blocks.loadBlock(h), blocks.loadBlockResults(h)]);
      if (block === undefined || results === undefined) continue;
      const batch = db.batch();
      index(batch, h, block.header.time.seconds, results);
      await batch.write();
    }
  }

  return {
    index,
    get height() {
      return height;
    },
    pruneBelow(below) {
      if (below <= pruneTarget || closed) return pruning ?? Promise.resolve();
      pruneTarget = below;
      pruning ??= pruneTape().finally(() => (pruning = undefined));
      return pruning;
    },
    async close() {
      closed = true;
      // A failed run was logged where it was started.
      await pruning?.catch(() => undefined);
    },
    async candles(market, interval, limit) {
      const prefix = marketPrefix(CANDLE, market, 1);
      prefix[prefix.length - 1] = INTERVAL_IDS[interval];
      const out: Candle[] = [];
      for await (const [, v] of db.iterate({ start: prefix, end: prefixEnd(prefix)!, reverse: true, limit }))
        out.push(parse<Candle>(v));
      return out.reverse();
    },
    async trades(market, limit) {
      const start = marketPrefix(TRADE, market, 0);
      const out: TapeTrade[] = [];
      for await (const [, v] of db.iterate({ start, end: prefixEnd(start)!, reverse: true, limit }))
        out.push(parse<TapeTrade>(v));
      return out;
    },
  };
}
