/**
 * The orderbook's hot reads answered from the in-memory book (bookCache.ts) instead of
 * through the store's iterators, charging exactly the gas the store reads they replace
 * would (chain/runtime/gas.ts, Cosmos' KVGasConfig), in the same order, so that gas used,
 * an out-of-gas point and the app hash are what they are without the cache:
 *   - a book entry visited: IterNextFlat 30 + ValuePerByte 3 × (key + value bytes);
 *   - an order read: ReadFlat 1000 + ReadPerByte 3 × key bytes (+ 3 × value bytes if present);
 *   - an account's orders counted: one visited entry per order.
 * Keys are counted with the module prefix ("orderbook/"), as the metered store sees them.
 * A context that does not sit on branches (queries, genesis on a bare store) reads the store.
 */
import type { Order } from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import { contextStore } from "../../chain/runtime/context.js";
import { KV_GAS, chargeRead, chargeVisit, type GasMeter } from "../../chain/runtime/gas.js";
import type { Context } from "../../chain/runtime/types.js";
import { keyString } from "../../chain/store/sortedKeys.js";
import { cachedView, viewBookKeys, viewCount, viewOrder, MODULE_S, ORDERS_S, type CachedView } from "./bookCache.js";

export type BookCacheMode = "on" | "off";
let mode: BookCacheMode = "on";

/** Tests and benchmarks compare the cached reads with the store's: "off" reads the store everywhere. */
export function setBookCacheMode(next: BookCacheMode): BookCacheMode {
  const previous = mode;
  mode = next;
  return previous;
}

let cachedReads = 0;
/** How many reads the cache has answered (tests check that the cached path really ran). */
export function bookCacheReads(): number {
  return cachedReads;
}

export interface CachedSource {
  view: CachedView;
  meter: GasMeter;
}

/** The cached view and gas meter of a tx context, or undefined: read the store. */
export function cachedSource(src: StoreSource): CachedSource | undefined {
  if (mode === "off") return undefined;
  const store = contextStore(src as Context);
  if (store === undefined) return undefined;
  const view = cachedView(store);
  if (view === undefined) return undefined;
  cachedReads++;
  return { view, meter: (src as Context).gasMeter };
}

/** The full key (module prefix included) in latin1 form, from the module-relative key bytes. */
export function fullKeyS(key: Uint8Array): string {
  return MODULE_S + keyString(key);
}

/** getOrder from the cache: `orderKeyS` is the order's full key. */
export function cachedOrder(c: CachedSource, orderKeyS: string): Order | undefined {
  const found = viewOrder(c.view, orderKeyS);
  chargeRead(c.meter, orderKeyS.length, found?.bytes);
  return found?.order;
}

/**
 * A book side's orders in priority order, as bookOrders yields them from the store: each
 * index entry visited, then its order read. `marketS` is the market's key part (length-prefixed).
 */
export function* cachedBookOrders(c: CachedSource, startS: string, endS: string, marketS: string): Generator<Order> {
  for (const [s, valueLength] of viewBookKeys(c.view, startS, endS)) {
    chargeVisit(c.meter, s.length, valueLength);
    const o = cachedOrder(c, ORDERS_S + marketS + s.slice(s.length - 8));
    if (o !== undefined) yield o;
  }
}

/** countOwnerOrders from the cache: every owner index key under the prefix is one visited entry (values are empty). */
export function cachedOwnerCount(c: CachedSource, prefixS: string, endS: string): number {
  const n = viewCount(c.view, prefixS, endS);
  const perKey = KV_GAS.iterNextCostFlat + KV_GAS.readCostPerByte * BigInt(prefixS.length + 8);
  const { limit, consumed } = c.meter;
  if (limit === undefined || limit - consumed >= perKey * BigInt(n)) {
    // Cannot run out: one charge, the same total.
    if (n > 0) c.meter.consume(perKey * BigInt(n), "IterNextFlat");
    return n;
  }
  for (let i = 0; i < n; i++) chargeVisit(c.meter, prefixS.length + 8, 0);
  return n;
}
