/**
 * Decoded values of read-mostly state (params, market definitions, oracle prices) kept in
 * memory, so that the twenty-odd reads of them an order makes do not each walk the store's
 * branches and decode the bytes again. The cache hangs on the lowest branch of the state
 * (the block's working state, as the order book's does: modules/orderbook/bookCache.ts) and
 * is kept exact by that branch's observer: a change replaces the cached value, a discard
 * empties the cache. A context sees the branches above it first (a tx's own, uncommitted
 * changes), so a cached answer is the store's answer in every branch.
 *
 * Gas is charged exactly as the metered store charges the read it replaces (ReadFlat, and
 * ReadPerByte for the full key and the value), so gas used, an out-of-gas point and the app
 * hash are what they are without the cache. Rule 5 of the architecture: in-memory
 * structures are caches of state; values handed out are copies, so a caller that changes
 * one cannot change the cache.
 */
import { Branch, type BranchObserver } from "../store/branch.js";
import { contextStore } from "./context.js";
import { chargeRead } from "./gas.js";
import type { Context } from "./types.js";

interface Cached {
  readonly bytes: Uint8Array | undefined;
  decoded?: unknown;
}

class ValueCache implements BranchObserver {
  readonly entries = new Map<string, Cached>();

  constructor(readonly anchor: Branch) {
    anchor.addObserver(this);
  }

  changed(s: string, value: Uint8Array | undefined): void {
    // Keys not cached are read through the anchor when asked, changes included.
    if (this.entries.has(s)) this.entries.set(s, { bytes: value });
  }

  discarded(): void {
    // Entries may hold the dropped changes: read them again.
    this.entries.clear();
  }

  applied(): void {}

  entry(s: string): Cached {
    let e = this.entries.get(s);
    if (e === undefined) {
      e = { bytes: this.anchor.getLatin1(s, latin1Bytes(s)) };
      this.entries.set(s, e);
    }
    return e;
  }
}

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const caches = new WeakMap<Branch, ValueCache>();

export type CacheMode = "on" | "off";
let mode: CacheMode = "on";

/** Tests and benchmarks compare the cached reads with the store's: "off" reads the store everywhere. */
export function setValueCacheMode(next: CacheMode): CacheMode {
  const previous = mode;
  mode = next;
  return previous;
}

let answered = 0;
/** How many reads the cache has answered (tests check that the cached path really ran). */
export function valueCacheReads(): number {
  return answered;
}

/** The result of a read the cache cannot answer (a query or genesis on a bare store): read the store. */
export const UNCACHED: unique symbol = Symbol("uncached");

/**
 * The value under the full key `s` (latin1 form, module prefix included) as the context sees
 * it, decoded once per stored value, with the read's gas charged; UNCACHED when the context
 * does not sit on branches. The decoded value is shared: copy it before handing it out.
 */
export function cachedRead<T>(
  src: object,
  s: string,
  decode: (bytes: Uint8Array) => T,
): T | undefined | typeof UNCACHED {
  if (mode === "off") return UNCACHED;
  const store = contextStore(src as Context);
  if (!(store instanceof Branch)) return UNCACHED;
  // The branches above the anchor, innermost first: a change of their own wins.
  let b: Branch = store;
  let bytes: Uint8Array | undefined;
  let value: T | undefined;
  let found = false;
  while (b.parent instanceof Branch) {
    const p = b.pendingEntry(s);
    if (p !== undefined) {
      bytes = p.value;
      value = bytes === undefined ? undefined : decode(bytes);
      found = true;
      break;
    }
    b = b.parent;
  }
  if (!found) {
    let cache = caches.get(b);
    if (cache === undefined) {
      cache = new ValueCache(b);
      caches.set(b, cache);
    }
    const e = cache.entry(s);
    bytes = e.bytes;
    if (bytes !== undefined) value = (e.decoded ??= decode(bytes)) as T;
  }
  answered++;
  chargeRead((src as Context).gasMeter, s.length, bytes?.length);
  return value;
}
