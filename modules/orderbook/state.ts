/**
 * orderbook state: markets, orders, the price-time book index, per-account indexes,
 * expiry and trigger queues, recent trades. The only file that knows the key encodings.
 */
import { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { Order, Side, Trade, TriggerType } from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import { OrderbookParams } from "../../chain/codec/generated/strike/orderbook/v1/genesis.js";
import { addressBytesView } from "../../chain/crypto/address.js";
import {
  Collection,
  Item,
  lengthPrefixed,
  lengthPrefixedUtf8,
  type StoreSource,
} from "../../chain/runtime/collection.js";
import {
  concatBytes,
  prefixEnd,
  putAscii,
  readU64be,
  u64be,
  utf8,
  u32be,
  writeU64be,
} from "../../chain/types/bytes.js";
import {
  BOOK_PREFIX,
  CLIENT_IDS_PREFIX,
  EXPIRY_BLOCK_PREFIX,
  EXPIRY_TIME_PREFIX,
  MARKETS_PREFIX,
  NEXT_ORDER_ID_KEY,
  NEXT_TRADE_SEQ_KEY,
  ORDERS_PREFIX,
  OWNER_ORDERS_PREFIX,
  PARAMS_KEY,
  STORE_KEY,
  TRADES_PREFIX,
  TRIGGERS_PREFIX,
} from "./keys.js";
import { cachedBookOrders, cachedOrder, cachedOwnerCount, cachedSource, fullKeyS } from "./bookReads.js";
import { encodeMessage } from "../../chain/codec/encode.js";
import { cachedScan, UNCACHED } from "../../chain/runtime/valueCache.js";

const MAX_U64 = (1n << 64n) - 1n;
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

const str = (s: string): Uint8Array => lengthPrefixedUtf8(s);
const keyStringOf = (b: Uint8Array): string => String.fromCharCode(...b);
const addr = (a: string): Uint8Array => lengthPrefixed(addressBytesView(a));
function i64(n: bigint): Uint8Array {
  return u64be(BigInt.asUintN(64, n));
}

function kv(src: StoreSource) {
  return src.kv(STORE_KEY);
}

function* keysUnder(src: StoreSource, prefix: Uint8Array): IterableIterator<Uint8Array> {
  for (const [k] of kv(src).iterator(prefix, prefixEnd(prefix))) yield k;
}

// ── params and counters ──────────────────────────────────────────────────────

/** Params and market definitions are read several times per order: answered from memory (chain/runtime/valueCache.ts). */
const paramsItem = new Item<OrderbookParams>(
  STORE_KEY,
  PARAMS_KEY,
  { encode: (p) => encodeMessage(OrderbookParams, p), decode: (b) => OrderbookParams.decode(b) },
  { copy: (p) => ({ ...p }) },
);
const decodeMarket = (b: Uint8Array): Market => Market.decode(b);
const copyMarket = (m: Market): Market => ({ ...m, option: m.option === undefined ? undefined : { ...m.option } });
const markets = new Collection<string, Market>(
  STORE_KEY,
  MARKETS_PREFIX,
  { encode: utf8, decode: (b) => decoder.decode(b) },
  { encode: (m) => encodeMessage(Market, m), decode: decodeMarket },
  { copy: copyMarket },
);

export function getParams(src: StoreSource): OrderbookParams {
  return paramsItem.get(src) ?? OrderbookParams.fromPartial({});
}
export function setParams(src: StoreSource, p: OrderbookParams): void {
  kv(src).set(PARAMS_KEY, encodeMessage(OrderbookParams, p));
}

function nextCounter(src: StoreSource, key: Uint8Array): bigint {
  const raw = kv(src).get(key);
  const n = raw === undefined ? 1n : readU64be(raw);
  kv(src).set(key, u64be(n + 1n));
  return n;
}
export const nextOrderId = (src: StoreSource): bigint => nextCounter(src, NEXT_ORDER_ID_KEY);
export const nextTradeSeq = (src: StoreSource): bigint => nextCounter(src, NEXT_TRADE_SEQ_KEY);

// ── markets ──────────────────────────────────────────────────────────────────

export function getMarket(src: StoreSource, id: string): Market | undefined {
  return markets.get(src, id);
}
export function setMarket(src: StoreSource, m: Market): void {
  kv(src).set(concatBytes(MARKETS_PREFIX, utf8(m.id)), encodeMessage(Market, m));
}
/**
 * Every market in id order. Read by several block hooks every block (triggers, funding,
 * option expiry): answered from memory (chain/runtime/valueCache.ts), decoded once per stored value.
 */
export function* allMarkets(src: StoreSource): IterableIterator<Market> {
  const hit = cachedScan(src, fullKeyS(MARKETS_PREFIX), fullKeyS(prefixEnd(MARKETS_PREFIX)!), decodeMarket);
  if (hit !== UNCACHED) {
    for (const m of hit) yield copyMarket(m);
    return;
  }
  for (const [, v] of kv(src).iterator(MARKETS_PREFIX, prefixEnd(MARKETS_PREFIX))) yield Market.decode(v);
}

// ── orders and the book ──────────────────────────────────────────────────────

/**
 * `prefix || len(market) || market` and `tail` more bytes for the caller to fill, in one array
 * when the market id is short ASCII (every id a market can have); the same bytes through
 * `str` otherwise (an id a tx names that is no market's). An order's keys are built several
 * times per order and per fill.
 */
function marketKey(prefix: Uint8Array, market: string, tail: number): Uint8Array {
  const p = prefix.length;
  if (market.length < 0x80) {
    const out = new Uint8Array(p + 1 + market.length + tail);
    out.set(prefix, 0);
    out[p] = market.length;
    if (putAscii(out, p + 1, market)) return out;
  }
  const m = str(market);
  const out = new Uint8Array(p + m.length + tail);
  out.set(prefix, 0);
  out.set(m, p);
  return out;
}

function orderKey(market: string, id: bigint): Uint8Array {
  const k = marketKey(ORDERS_PREFIX, market, 8);
  writeU64be(k, k.length - 8, id);
  return k;
}
function bookSidePrefix(market: string, side: Side): Uint8Array {
  const k = marketKey(BOOK_PREFIX, market, 1);
  k[k.length - 1] = side === Side.SIDE_BUY ? 1 : 2;
  return k;
}
/** A resting order's place in the book: its side (1 buy, 2 sell), its price (bids store the complement, to sort by descending price), its id. */
function bookKey(o: Order): Uint8Array {
  const k = marketKey(BOOK_PREFIX, o.market, 17);
  const end = k.length;
  k[end - 17] = o.side === Side.SIDE_BUY ? 1 : 2;
  writeU64be(k, end - 16, o.side === Side.SIDE_BUY ? MAX_U64 - o.price : o.price);
  writeU64be(k, end - 8, o.id);
  return k;
}

/** The key builders, for the test that pins their bytes to the part-by-part concatenations. */
export const keyBuildersForTesting = { orderKey, bookSidePrefix, bookKey, triggerKey };
function ownerMarketPrefix(owner: string, subaccount: number, market: string): Uint8Array {
  return concatBytes(OWNER_ORDERS_PREFIX, addr(owner), u32be(subaccount), str(market));
}
function clientIdKey(owner: string, subaccount: number, market: string, clientId: bigint): Uint8Array {
  return concatBytes(CLIENT_IDS_PREFIX, addr(owner), u32be(subaccount), str(market), u64be(clientId));
}

export function getOrder(src: StoreSource, market: string, id: bigint): Order | undefined {
  const cached = cachedSource(src);
  if (cached !== undefined) return cachedOrder(cached, fullKeyS(orderKey(market, id)));
  const raw = kv(src).get(orderKey(market, id));
  return raw === undefined ? undefined : Order.decode(raw);
}

/** Writes an order and every index it belongs to (resting orders in the book, triggers in the queue). */
export function saveNewOrder(src: StoreSource, o: Order, resting: boolean): void {
  const s = kv(src);
  s.set(orderKey(o.market, o.id), encodeMessage(Order, o));
  if (resting) s.set(bookKey(o), EMPTY);
  else s.set(triggerKey(o), EMPTY);
  s.set(concatBytes(ownerMarketPrefix(o.owner, o.subaccount, o.market), u64be(o.id)), EMPTY);
  if (o.clientId !== 0n) s.set(clientIdKey(o.owner, o.subaccount, o.market, o.clientId), u64be(o.id));
  if (o.goodTilBlock !== 0n)
    s.set(concatBytes(EXPIRY_BLOCK_PREFIX, u64be(o.goodTilBlock), str(o.market), u64be(o.id)), EMPTY);
  if (o.goodTilTime !== 0n)
    s.set(concatBytes(EXPIRY_TIME_PREFIX, i64(o.goodTilTime), str(o.market), u64be(o.id)), EMPTY);
}

/** Updates a resting order's remaining size (its keys do not change). */
export function updateRemaining(src: StoreSource, o: Order, remaining: bigint): void {
  kv(src).set(orderKey(o.market, o.id), encodeMessage(Order, { ...o, remaining }));
}

/** Deletes an order and all its index entries. */
export function deleteOrder(src: StoreSource, o: Order): void {
  const s = kv(src);
  s.delete(orderKey(o.market, o.id));
  s.delete(bookKey(o));
  if (o.triggerType !== TriggerType.TRIGGER_TYPE_UNSPECIFIED) s.delete(triggerKey(o));
  s.delete(concatBytes(ownerMarketPrefix(o.owner, o.subaccount, o.market), u64be(o.id)));
  if (o.clientId !== 0n) s.delete(clientIdKey(o.owner, o.subaccount, o.market, o.clientId));
  if (o.goodTilBlock !== 0n)
    s.delete(concatBytes(EXPIRY_BLOCK_PREFIX, u64be(o.goodTilBlock), str(o.market), u64be(o.id)));
  if (o.goodTilTime !== 0n) s.delete(concatBytes(EXPIRY_TIME_PREFIX, i64(o.goodTilTime), str(o.market), u64be(o.id)));
}

interface BookSideBounds {
  startS: string;
  endS: string;
  marketS: string;
}

/**
 * What the cached book walk of a side needs (its full-key bounds and the market's key part,
 * latin1), by market and then side (buy, sell): every order's matching asks for them, and
 * they were five arrays and three strings each time. Bounded as the other key memos are.
 */
const bookSideBounds = new Map<string, [BookSideBounds | undefined, BookSideBounds | undefined]>();
const MAX_BOOK_SIDE_BOUNDS = 4096;

function bookSideBoundsOf(market: string, side: Side): BookSideBounds {
  let sides = bookSideBounds.get(market);
  if (sides === undefined) {
    if (bookSideBounds.size >= MAX_BOOK_SIDE_BOUNDS) bookSideBounds.clear();
    sides = [undefined, undefined];
    bookSideBounds.set(market, sides);
  }
  const i = side === Side.SIDE_BUY ? 0 : 1;
  let bounds = sides[i];
  if (bounds === undefined) {
    const prefix = bookSidePrefix(market, side);
    bounds = { startS: fullKeyS(prefix), endS: fullKeyS(prefixEnd(prefix)!), marketS: keyStringOf(str(market)) };
    sides[i] = bounds;
  }
  return bounds;
}

/** Resting orders of one side in priority order: best price first, then oldest. */
export function* bookOrders(src: StoreSource, market: string, side: Side): IterableIterator<Order> {
  const cached = cachedSource(src);
  if (cached !== undefined) {
    const { startS, endS, marketS } = bookSideBoundsOf(market, side);
    yield* cachedBookOrders(cached, startS, endS, marketS);
    return;
  }
  for (const k of keysUnder(src, bookSidePrefix(market, side))) {
    const o = getOrder(src, market, readU64be(k, k.length - 8));
    if (o !== undefined) yield o;
  }
}

export function orderIdByClientId(
  src: StoreSource,
  owner: string,
  subaccount: number,
  market: string,
  clientId: bigint,
): bigint | undefined {
  const raw = kv(src).get(clientIdKey(owner, subaccount, market, clientId));
  return raw === undefined ? undefined : readU64be(raw);
}

/** An account's open orders in one market, oldest first. */
export function* ownerOrders(
  src: StoreSource,
  owner: string,
  subaccount: number,
  market: string,
): IterableIterator<Order> {
  for (const k of keysUnder(src, ownerMarketPrefix(owner, subaccount, market))) {
    const o = getOrder(src, market, readU64be(k, k.length - 8));
    if (o !== undefined) yield o;
  }
}

/** Every open order of an owner (all subaccounts and markets), in key order. */
export function* allOwnerOrders(src: StoreSource, owner: string): IterableIterator<Order> {
  for (const k of keysUnder(src, concatBytes(OWNER_ORDERS_PREFIX, addr(owner)))) {
    const a = 1 + k[1]! + 1 + 4;
    const n = k[a]!;
    const market = decoder.decode(k.subarray(a + 1, a + 1 + n));
    const o = getOrder(src, market, readU64be(k, k.length - 8));
    if (o !== undefined) yield o;
  }
}

/** Whether a subaccount has any open order, in any market (one seek). */
export function hasOwnerOrders(src: StoreSource, owner: string, subaccount: number): boolean {
  return !keysUnder(src, concatBytes(OWNER_ORDERS_PREFIX, addr(owner), u32be(subaccount))).next().done;
}

export function countOwnerOrders(src: StoreSource, owner: string, subaccount: number, market: string): number {
  const cached = cachedSource(src);
  if (cached !== undefined) {
    const prefix = ownerMarketPrefix(owner, subaccount, market);
    return cachedOwnerCount(cached, fullKeyS(prefix), fullKeyS(prefixEnd(prefix)!));
  }
  let n = 0;
  for (const _ of keysUnder(src, ownerMarketPrefix(owner, subaccount, market))) n++;
  return n;
}

/** Orders whose good-til-block is at or below `height`, in key order. */
export function* expiredByBlock(src: StoreSource, height: bigint): IterableIterator<[string, bigint]> {
  const end = concatBytes(EXPIRY_BLOCK_PREFIX, u64be(height + 1n));
  for (const [k] of kv(src).iterator(EXPIRY_BLOCK_PREFIX, end)) yield marketAndId(k, 1 + 8);
}

/** Orders whose good-til-time is at or before `seconds`, in key order. */
export function* expiredByTime(src: StoreSource, seconds: bigint): IterableIterator<[string, bigint]> {
  const start = concatBytes(EXPIRY_TIME_PREFIX, i64(0n));
  const end = concatBytes(EXPIRY_TIME_PREFIX, i64(seconds + 1n));
  for (const [k] of kv(src).iterator(start, end)) yield marketAndId(k, 1 + 8);
}

function marketAndId(k: Uint8Array, at: number): [string, bigint] {
  const n = k[at]!;
  return [decoder.decode(k.subarray(at + 1, at + 1 + n)), readU64be(k, at + 1 + n)];
}

/** Whether a parked order fires when the oracle rises to its trigger (stop buy, take-profit sell) or falls to it. */
function firesOnRise(o: Order): boolean {
  return (o.triggerType === TriggerType.TRIGGER_TYPE_STOP) === (o.side === Side.SIDE_BUY);
}
const RISE = Uint8Array.of(1);
const FALL = Uint8Array.of(2);

/** Parked orders sort by direction and trigger price, so a price move reads only the triggers it crossed. */
function triggerKey(o: Order): Uint8Array {
  const k = marketKey(TRIGGERS_PREFIX, o.market, 17);
  const end = k.length;
  k[end - 17] = firesOnRise(o) ? RISE[0]! : FALL[0]!;
  writeU64be(k, end - 16, o.triggerPrice);
  writeU64be(k, end - 8, o.id);
  return k;
}

/**
 * The ids of a market's parked orders whose trigger the oracle price (uusdc) has crossed, in
 * parking order: rising triggers at or below the price, falling ones at or above it.
 */
export function crossedTriggers(src: StoreSource, market: string, oracleUusdc: bigint): bigint[] {
  const rise = concatBytes(TRIGGERS_PREFIX, str(market), RISE);
  const fall = concatBytes(TRIGGERS_PREFIX, str(market), FALL);
  const price = oracleUusdc < 0n ? 0n : oracleUusdc > MAX_U64 - 1n ? MAX_U64 - 1n : oracleUusdc;
  const ids: bigint[] = [];
  for (const [k] of kv(src).iterator(rise, concatBytes(rise, u64be(price + 1n)))) ids.push(readU64be(k, k.length - 8));
  for (const [k] of kv(src).iterator(concatBytes(fall, u64be(price)), prefixEnd(fall)))
    ids.push(readU64be(k, k.length - 8));
  return ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The ids of the markets that have parked trigger orders, found with one seek per such market
 * and one more (a skip scan: the first key, then past that market's keys): what the end block
 * reads before looking up prices and crossed triggers, whatever the number of markets or of
 * triggers parked in one.
 */
export function marketsWithTriggers(src: StoreSource): Set<string> {
  const out = new Set<string>();
  const end = prefixEnd(TRIGGERS_PREFIX);
  let from: Uint8Array = TRIGGERS_PREFIX;
  for (;;) {
    let k: Uint8Array | undefined;
    for (const [key] of kv(src).iterator(from, end)) {
      k = key;
      break;
    }
    if (k === undefined) return out;
    const n = k[1]!;
    out.add(decoder.decode(k.subarray(2, 2 + n)));
    from = prefixEnd(k.subarray(0, 2 + n))!;
  }
}

/** Every order (resting or waiting) of a market. */
export function* marketOrders(src: StoreSource, market: string): IterableIterator<Order> {
  const prefix = concatBytes(ORDERS_PREFIX, str(market));
  for (const [, v] of kv(src).iterator(prefix, prefixEnd(prefix))) yield Order.decode(v);
}

// ── trades ───────────────────────────────────────────────────────────────────

export function addTrade(src: StoreSource, t: Trade): void {
  kv(src).set(
    concatBytes(TRADES_PREFIX, str(t.market), u64be(BigInt(t.height)), u64be(t.seq)),
    encodeMessage(Trade, t),
  );
}

/** Drops a market's trades from blocks below `height`. */
export function pruneTrades(src: StoreSource, market: string, height: bigint): void {
  const prefix = concatBytes(TRADES_PREFIX, str(market));
  const end = concatBytes(prefix, u64be(height < 0n ? 0n : height));
  for (const [k] of [...kv(src).iterator(prefix, end)]) kv(src).delete(k);
}

/** Most recent first. */
export function recentTrades(src: StoreSource, market: string, limit: number): Trade[] {
  const prefix = concatBytes(TRADES_PREFIX, str(market));
  const out: Trade[] = [];
  for (const [, v] of kv(src).iterator(prefix, prefixEnd(prefix), true)) {
    out.push(Trade.decode(v));
    if (out.length >= limit) break;
  }
  return out;
}
