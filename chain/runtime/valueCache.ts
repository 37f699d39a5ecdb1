/**
 * Decoded values of read-mostly state (params, market definitions, oracle prices) kept in
 * memory, so that the twenty-odd reads of them an order makes do not each walk the store's
 * branches and decode the bytes again. The cache hangs on the lowest branch of the state
 * (the block's working state, as the order book's does: modules/orderbook/bookCache.ts) and
 * is kept exact by that branch's observer: a change replaces the cached value, a discard
 * empties the cache. A context sees the branches above it first (a tx's own, uncommitted
 * changes), so a cached answer is the store's answer in every branch.
 *
 * Prefix scans (an account's positions, read by every margin check) are cached the same way,
 * as the sorted entries under the prefix: a change under a cached prefix edits its list, and
 * a scan from a branch that itself changed a key under the prefix reads through the store.
 *
 * Gas is charged exactly as the metered store charges the read it replaces (ReadFlat, and
 * ReadPerByte for the full key and the value; IterNextFlat and ValuePerByte per entry of a
 * scan), so gas used, an out-of-gas point and the app hash are what they are without the
 * cache. Rule 5 of the architecture: in-memory
 * structures are caches of state; values handed out are copies, so a caller that changes
 * one cannot change the cache.
 */
import { Branch, type BranchObserver } from "../store/branch.js";
import { contextStore } from "./context.js";
import { chargeRead, chargeVisit } from "./gas.js";
import type { Context } from "./types.js";

interface Cached {
  readonly bytes: Uint8Array | undefined;
  decoded?: unknown;
}

/** One entry of a cached scan: the full key (latin1) and its value. */
interface ScanEntry {
  readonly s: string;
  readonly bytes: Uint8Array;
  decoded?: unknown;
}

interface CachedScan {
  readonly endS: string;
  /** Ascending by key. */
  readonly entries: ScanEntry[];
}

/**
 * Entries (values and scans) past which the cache starts again empty: it holds decoded
 * copies of what it is asked for, and what it is asked for is any account's state.
 */
export const MAX_CACHED_ENTRIES = 100_000;

class ValueCache implements BranchObserver {
  readonly entries = new Map<string, Cached>();
  /** Cached scans by their start key. */
  readonly scans = new Map<string, CachedScan>();
  /** The lengths of the cached scans' start keys, to find the scans a changed key falls in. */
  private readonly scanStartLengths: number[] = [];
  /**
   * For each of those lengths, the least start and the greatest end of its scans: a changed
   * key outside them (most are: balances, accounts, other collections) is in none of its
   * scans, and is let go without cutting and looking up its head.
   */
  private readonly scanLows: string[] = [];
  private readonly scanHighs: string[] = [];

  constructor(readonly anchor: Branch) {
    anchor.addObserver(this);
  }

  changed(s: string, value: Uint8Array | undefined): void {
    // Keys not cached are read through the anchor when asked, changes included.
    if (this.entries.has(s)) this.entries.set(s, { bytes: value });
    const lengths = this.scanStartLengths;
    for (let i = 0; i < lengths.length; i++) {
      const n = lengths[i]!;
      if (s.length < n || s < this.scanLows[i]! || s >= this.scanHighs[i]!) continue;
      const scan = this.scans.get(s.slice(0, n));
      if (scan !== undefined && s < scan.endS) edit(scan.entries, s, value);
    }
  }

  discarded(): void {
    // Entries may hold the dropped changes: read them again.
    this.entries.clear();
    this.discardScans();
  }

  applied(): void {}

  entry(s: string): Cached {
    let e = this.entries.get(s);
    if (e === undefined) {
      if (this.entries.size >= MAX_CACHED_ENTRIES) this.entries.clear();
      // The key's bytes are made only if a store below the branches needs them.
      e = { bytes: this.anchor.getLatin1(s) };
      this.entries.set(s, e);
    }
    return e;
  }

  /** The entries in [startS, endS) as the anchor shows them; endS must be the end of the prefix startS. */
  scan(startS: string, endS: string): ScanEntry[] {
    const cached = this.scans.get(startS);
    if (cached !== undefined && cached.endS === endS) return cached.entries;
    if (this.scans.size >= MAX_CACHED_ENTRIES) this.discardScans();
    const entries: ScanEntry[] = [];
    const it = this.anchor.latin1Entries(startS, endS, false);
    for (let r = it.next(); r.done !== true; r = it.next()) entries.push({ s: r.value.s, bytes: r.value.value });
    this.scans.set(startS, { endS, entries });
    const i = this.scanStartLengths.indexOf(startS.length);
    if (i < 0) {
      this.scanStartLengths.push(startS.length);
      this.scanLows.push(startS);
      this.scanHighs.push(endS);
    } else {
      if (startS < this.scanLows[i]!) this.scanLows[i] = startS;
      if (endS > this.scanHighs[i]!) this.scanHighs[i] = endS;
    }
    return entries;
  }

  private discardScans(): void {
    this.scans.clear();
    this.scanStartLengths.length = 0;
    this.scanLows.length = 0;
    this.scanHighs.length = 0;
  }
}

/** A change of key `s` applied to a scan's sorted entries. */
function edit(entries: ScanEntry[], s: string, value: Uint8Array | undefined): void {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.s < s) lo = mid + 1;
    else hi = mid;
  }
  const present = lo < entries.length && entries[lo]!.s === s;
  if (value === undefined) {
    if (present) entries.splice(lo, 1);
  } else if (present) {
    entries[lo] = { s, bytes: value };
  } else {
    entries.splice(lo, 0, { s, bytes: value });
  }
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
    const e = cacheOf(b).entry(s);
    bytes = e.bytes;
    if (bytes !== undefined) value = (e.decoded ??= decode(bytes)) as T;
  }
  answered++;
  chargeRead((src as Context).gasMeter, s.length, bytes?.length);
  return value;
}

function cacheOf(anchor: Branch): ValueCache {
  let cache = caches.get(anchor);
  if (cache === undefined) {
    cache = new ValueCache(anchor);
    caches.set(anchor, cache);
  }
  return cache;
}

/**
 * The values under a key prefix, in key order, as the context's scan of [startS, endS)
 * (full keys in latin1 form, module prefix included; endS is the prefix's end) would give
 * them, with each entry's gas charged as the scan charges it. The anchor's entries come
 * from memory, decoded once per stored value; the changes the branches above it made under
 * the prefix (a tx scanning what it has just written) are laid over them, innermost last.
 * UNCACHED when the context does not sit on branches. The decoded values are shared: copy
 * them before handing them out.
 */
export function cachedScan<T>(
  src: object,
  startS: string,
  endS: string,
  decode: (bytes: Uint8Array) => T,
): T[] | typeof UNCACHED {
  if (mode === "off") return UNCACHED;
  const store = contextStore(src as Context);
  if (!(store instanceof Branch)) return UNCACHED;
  let b: Branch = store;
  let changedAbove: Branch[] | undefined;
  while (b.parent instanceof Branch) {
    if (b.hasPendingIn(startS, endS)) (changedAbove ??= []).push(b);
    b = b.parent;
  }
  let entries = cacheOf(b).scan(startS, endS);
  if (changedAbove !== undefined) {
    entries = entries.slice();
    for (let i = changedAbove.length - 1; i >= 0; i--) {
      const above = changedAbove[i]!;
      for (const k of above.pendingKeys(startS, endS)) edit(entries, k, above.pendingEntry(k)?.value);
    }
  }
  const meter = (src as Context).gasMeter;
  const out: T[] = [];
  for (const e of entries) {
    chargeVisit(meter, e.s.length, e.bytes.length);
    out.push((e.decoded ??= decode(e.bytes)) as T);
  }
  answered++;
  return out;
}
