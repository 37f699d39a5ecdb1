/**
 * The order book in memory: a cache of the orders, the price-time book index and the
 * per-account order index, exactly as the state store shows them. It hangs on the lowest
 * branch of the state (the block's working state), rebuilt from committed state the first
 * time it is asked, and kept exact by that branch's observer: every change, every discard
 * (a block rolled back) and every commit. A tx sees the cache merged with its own
 * branches' changes (a failed tx's branch is dropped, so its changes never reach the cache),
 * so a cached answer is the store's answer in every branch, and so is its gas (see
 * bookReads.ts). Rule 5 of the architecture: in-memory structures are caches of state.
 */
import { Order } from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import { Branch, type BranchObserver } from "../../chain/store/branch.js";
import { isLatin1Iterable, keyString, SortedKeys } from "../../chain/store/sortedKeys.js";
import type { KVStore } from "../../chain/store/types.js";
import { BOOK_PREFIX, ORDERS_PREFIX, OWNER_ORDERS_PREFIX, STORE_KEY } from "./keys.js";

/** The module's keys in the state store begin with "<store key>/" (chain/runtime/prefixStore.ts). */
export const MODULE_S = `${STORE_KEY}/`;
const ch = (b: Uint8Array): string => String.fromCharCode(b[0]!);
export const ORDERS_S = MODULE_S + ch(ORDERS_PREFIX);
export const BOOK_S = MODULE_S + ch(BOOK_PREFIX);
export const OWNER_S = MODULE_S + ch(OWNER_ORDERS_PREFIX);
const RANGE_END = MODULE_S + String.fromCharCode(OWNER_ORDERS_PREFIX[0]! + 1);
const KIND_AT = MODULE_S.length;
const ORDERS_CODE = ORDERS_PREFIX[0]!;
const BOOK_CODE = BOOK_PREFIX[0]!;
const ABSENT = undefined;

/** One branch of the cached state: the cache itself, or a branch above it with its own changes. */
export class BookCache implements BranchObserver {
  /** Every cached key (latin1, with the module prefix) and its value bytes. */
  private readonly values = new Map<string, Uint8Array>();
  /** Orders decoded on first use (the bytes stay the truth). */
  private readonly decoded = new Map<string, Order>();
  /** The book index keys in store order: best price first per side, then oldest. */
  readonly book = new SortedKeys();
  /** Open orders per account and market: the owner index key minus its order id. */
  private readonly ownerCounts = new Map<string, number>();
  /** What each key held before the anchor's first change since its last commit or discard. */
  private readonly undo = new Map<string, Uint8Array | undefined>();

  constructor(readonly anchor: Branch) {
    for (const [s, value] of entriesOf(anchor.parent, ORDERS_S, RANGE_END)) this.apply(s, value);
    for (const s of anchor.pendingKeys(ORDERS_S, RANGE_END)) this.changed(s, anchor.pendingEntry(s)?.value);
    anchor.addObserver(this);
  }

  changed(s: string, value: Uint8Array | undefined): void {
    if (s < ORDERS_S || s >= RANGE_END) return;
    if (!this.undo.has(s)) this.undo.set(s, this.values.get(s));
    this.apply(s, value);
  }

  discarded(): void {
    for (const [s, value] of this.undo) this.apply(s, value);
    this.undo.clear();
  }

  applied(): void {
    this.undo.clear();
  }

  value(s: string): Uint8Array | undefined {
    return this.values.get(s);
  }

  order(s: string): Order | undefined {
    let o = this.decoded.get(s);
    if (o === undefined) {
      const bytes = this.values.get(s);
      if (bytes === undefined) return undefined;
      o = Order.decode(bytes);
      this.decoded.set(s, o);
    }
    return o;
  }

  ownerCount(prefixS: string): number {
    return this.ownerCounts.get(prefixS) ?? 0;
  }

  private apply(s: string, value: Uint8Array | undefined): void {
    const before = this.values.get(s);
    const kind = s.charCodeAt(KIND_AT);
    if (kind === ORDERS_CODE) this.decoded.delete(s);
    if (value === ABSENT) {
      if (before === undefined) return;
      this.values.delete(s);
      if (kind === BOOK_CODE) this.book.remove(s);
      else if (kind !== ORDERS_CODE) this.countOwner(s, -1);
      return;
    }
    this.values.set(s, value);
    if (before !== undefined) return;
    if (kind === BOOK_CODE) this.book.insert(s);
    else if (kind !== ORDERS_CODE) this.countOwner(s, 1);
  }

  private countOwner(s: string, by: number): void {
    const prefix = s.slice(0, s.length - 8);
    const n = (this.ownerCounts.get(prefix) ?? 0) + by;
    if (n === 0) this.ownerCounts.delete(prefix);
    else this.ownerCounts.set(prefix, n);
  }
}

function* entriesOf(store: KVStore, startS: string, endS: string): Generator<[string, Uint8Array]> {
  if (isLatin1Iterable(store)) {
    const it = store.latin1Entries(startS, endS, false);
    for (let r = it.next(); r.done !== true; r = it.next()) yield [r.value.s, r.value.value];
    return;
  }
  const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  for (const [key, value] of store.iterator(latin1(startS), latin1(endS))) yield [keyString(key), value];
}

const caches = new WeakMap<Branch, BookCache>();

/** What one context sees: the cache and the branches above it, innermost first. */
export interface CachedView {
  readonly cache: BookCache;
  readonly layers: readonly Branch[];
}

/**
 * The view for a context's store, or undefined when it does not sit on branches (then the
 * store is read directly). The lowest branch (the one over committed state) carries the cache.
 */
export function cachedView(store: KVStore | undefined): CachedView | undefined {
  if (!(store instanceof Branch)) return undefined;
  const layers: Branch[] = [];
  let b = store;
  while (b.parent instanceof Branch) {
    layers.push(b);
    b = b.parent;
  }
  let cache = caches.get(b);
  if (cache === undefined) {
    cache = new BookCache(b);
    caches.set(b, cache);
  }
  return { cache, layers };
}

/** A key's value as the view shows it: the innermost branch that changed it, else the cache. */
export function viewValue(view: CachedView, s: string): Uint8Array | undefined {
  for (const b of view.layers) {
    const p = b.pendingEntry(s);
    if (p !== undefined) return p.value;
  }
  return view.cache.value(s);
}

/** An order as the view shows it, with its encoded length (what a store read is charged for). */
export function viewOrder(view: CachedView, s: string): { order: Order; bytes: number } | undefined {
  for (const b of view.layers) {
    const p = b.pendingEntry(s);
    if (p !== undefined)
      return p.value === undefined ? undefined : { order: Order.decode(p.value), bytes: p.value.length };
  }
  const bytes = view.cache.value(s);
  return bytes === undefined ? undefined : { order: view.cache.order(s)!, bytes: bytes.length };
}

/** The book keys in [startS, endS) the view shows, ascending, with their value lengths. */
export function* viewBookKeys(view: CachedView, startS: string, endS: string): Generator<[string, number]> {
  const layers = view.layers.filter((b) => b.hasPendingIn(startS, endS));
  if (layers.length === 0) {
    for (const s of view.cache.book.range(startS, endS, false)) yield [s, view.cache.value(s)!.length];
    return;
  }
  // A merge as the store's branches do it: the innermost change of a key wins, a delete hides it.
  const sources = [view.cache.book.range(startS, endS, false), ...layers.map((b) => b.pendingKeys(startS, endS))];
  const heads = sources.map((it) => it.next().value as string | undefined);
  for (;;) {
    let min: string | undefined;
    for (const h of heads) if (h !== undefined && (min === undefined || h < min)) min = h;
    if (min === undefined) return;
    let value: Uint8Array | undefined;
    let decided = false;
    for (let i = 0; i < layers.length && !decided; i++) {
      if (heads[i + 1] === min) {
        value = layers[i]!.pendingEntry(min)?.value;
        decided = true;
      }
    }
    if (!decided) value = view.cache.value(min);
    for (let i = 0; i < heads.length; i++)
      if (heads[i] === min) heads[i] = sources[i]!.next().value as string | undefined;
    if (value !== undefined) yield [min, value.length];
  }
}

/** How many keys in [startS, endS) the view shows (the owner index of one account and market). */
export function viewCount(view: CachedView, prefixS: string, endS: string): number {
  let n = view.cache.ownerCount(prefixS);
  const layers = view.layers.filter((b) => b.hasPendingIn(prefixS, endS));
  if (layers.length === 0) return n;
  const seen = new Set<string>();
  for (const b of layers) {
    for (const s of b.pendingKeys(prefixS, endS)) {
      if (seen.has(s)) continue;
      seen.add(s);
      const shown = viewValue(view, s) !== undefined;
      const cached = view.cache.value(s) !== undefined;
      if (shown !== cached) n += shown ? 1 : -1;
    }
  }
  return n;
}
