/**
 * Typed collections over a module store (Cosmos' `collections`): a key prefix inside the
 * module's store plus key and value codecs. Keys must encode so that byte order is the
 * order callers want to iterate in.
 */
import { Branch } from "../store/branch.js";
import { keyString } from "../store/sortedKeys.js";
import type { KVStore } from "../store/types.js";
import { concatBytes, latin1, prefixEnd, putAscii, readU64be, u64be, utf8 } from "../types/bytes.js";
import { contextStore } from "./context.js";
import { meteredDeleteLatin1, meteredGetLatin1, meteredHasLatin1, meteredSetLatin1 } from "./gas.js";
import { moduleStorePrefix } from "./prefixStore.js";
import type { Context } from "./types.js";
import { cachedRead, UNCACHED } from "./valueCache.js";

export interface Codec<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
  /**
   * concatBytes(head, encode(value)) in one new array, for key codecs: a collection builds
   * its full key (prefixes, then the encoded key) at every access, and the encoded key alone
   * was garbage as soon as it was copied. Optional; must give exactly those bytes.
   */
  encodeAfter?(head: Uint8Array, value: T): Uint8Array;
}

/** Anything that hands out module stores: a tx Context or a QueryContext. */
export interface StoreSource {
  kv(storeKey: string): KVStore;
}

/**
 * For read-mostly values (params, market definitions, prices): reads in a tx or block are
 * answered from decoded values held in memory (valueCache.ts), each handed out as `copy`
 * makes it, so a caller that changes its value changes nothing else.
 */
export interface CachedReads<V> {
  copy(value: V): V;
}

/**
 * The branch under a context's gas meter, when the source is a tx's or block's context: a
 * collection then reads and writes it by the full key's latin1 form, charging what the
 * module store would (gas.ts), instead of going through the module store's layers. Other
 * sources (queries, genesis on a bare store) take the module store.
 */
function meteredBranch(src: StoreSource): Branch | undefined {
  const store = contextStore(src as Context);
  return store instanceof Branch ? store : undefined;
}

export class Collection<K, V> {
  /** The module store's prefix and the collection's: a full key is these and the encoded key. */
  private readonly fullPrefix: Uint8Array;
  private readonly moduleLength: number;

  constructor(
    readonly storeKey: string,
    readonly prefix: Uint8Array,
    readonly keyCodec: Codec<K>,
    readonly valueCodec: Codec<V>,
    private readonly cached?: CachedReads<V>,
  ) {
    const modulePrefix = moduleStorePrefix(storeKey);
    this.moduleLength = modulePrefix.length;
    this.fullPrefix = concatBytes(modulePrefix, prefix);
  }

  /** The key inside the module store (what `store/<module>/key` raw queries take). */
  storeKeyOf(key: K): Uint8Array {
    return this.encodedAfter(this.prefix, key);
  }

  /** The key in the whole state (module prefix included): what branches and caches name keys by, in latin1. */
  private fullKeyOf(key: K): Uint8Array {
    return this.encodedAfter(this.fullPrefix, key);
  }

  /** `head` then the encoded key, in one new array. */
  private encodedAfter(head: Uint8Array, key: K): Uint8Array {
    if (this.keyCodec.encodeAfter !== undefined) return this.keyCodec.encodeAfter(head, key);
    const encoded = this.keyCodec.encode(key);
    const out = new Uint8Array(head.length + encoded.length);
    out.set(head, 0);
    out.set(encoded, head.length);
    return out;
  }

  get(src: StoreSource, key: K): V | undefined {
    const full = this.fullKeyOf(key);
    const s = keyString(full);
    if (this.cached !== undefined) {
      const hit = cachedRead(src, s, this.valueCodec.decode);
      if (hit !== UNCACHED) return hit === undefined ? undefined : this.cached.copy(hit);
    }
    const branch = meteredBranch(src);
    const raw =
      branch === undefined
        ? src.kv(this.storeKey).get(full.subarray(this.moduleLength))
        : meteredGetLatin1((src as Context).gasMeter, branch, s);
    return raw === undefined ? undefined : this.valueCodec.decode(raw);
  }

  has(src: StoreSource, key: K): boolean {
    const full = this.fullKeyOf(key);
    const branch = meteredBranch(src);
    if (branch === undefined) return src.kv(this.storeKey).has(full.subarray(this.moduleLength));
    return meteredHasLatin1((src as Context).gasMeter, branch, keyString(full));
  }

  set(src: StoreSource, key: K, value: V): void {
    const full = this.fullKeyOf(key);
    const bytes = this.valueCodec.encode(value);
    const branch = meteredBranch(src);
    if (branch === undefined) src.kv(this.storeKey).set(full.subarray(this.moduleLength), bytes);
    else meteredSetLatin1((src as Context).gasMeter, branch, keyString(full), full, bytes);
  }

  delete(src: StoreSource, key: K): void {
    const full = this.fullKeyOf(key);
    const branch = meteredBranch(src);
    if (branch === undefined) src.kv(this.storeKey).delete(full.subarray(this.moduleLength));
    else meteredDeleteLatin1((src as Context).gasMeter, branch, keyString(full), full);
  }

  /** The entry with the smallest key at or above `key` in key order, if any. */
  ceiling(src: StoreSource, key: K): [K, V] | undefined {
    for (const entry of this.iterateFrom(src, key)) return entry;
    return undefined;
  }

  /**
   * Entries with keys at or above `from`, in key order: a cursor's page starts at its place in
   * the store, without reading (and decoding) the entries before it.
   */
  *iterateFrom(src: StoreSource, from: K): IterableIterator<[K, V]> {
    for (const [k, v] of src.kv(this.storeKey).iterator(this.storeKeyOf(from), prefixEnd(this.prefix))) {
      yield [this.keyCodec.decode(k.subarray(this.prefix.length)), this.valueCodec.decode(v)];
    }
  }

  /** Entries whose encoded key starts with `subPrefix` (default: all), in key order. */
  *iterate(src: StoreSource, subPrefix: Uint8Array = new Uint8Array(0)): IterableIterator<[K, V]> {
    const start = concatBytes(this.prefix, subPrefix);
    for (const [k, v] of src.kv(this.storeKey).iterator(start, prefixEnd(start))) {
      yield [this.keyCodec.decode(k.subarray(this.prefix.length)), this.valueCodec.decode(v)];
    }
  }
}

/** A single value under a fixed key (params, counters). */
export class Item<V> {
  /** The full key's latin1 form (module prefix included), as the cache knows it. */
  private readonly fullS: string;
  /** The full key's bytes, shared by every write (a branch never changes a key it holds). */
  private readonly full: Uint8Array;

  constructor(
    readonly storeKey: string,
    readonly key: Uint8Array,
    readonly valueCodec: Codec<V>,
    private readonly cached?: CachedReads<V>,
  ) {
    this.full = concatBytes(moduleStorePrefix(storeKey), key);
    this.fullS = keyString(this.full);
  }

  get(src: StoreSource): V | undefined {
    if (this.cached !== undefined) {
      const hit = cachedRead(src, this.fullS, this.valueCodec.decode);
      if (hit !== UNCACHED) return hit === undefined ? undefined : this.cached.copy(hit);
    }
    const branch = meteredBranch(src);
    const raw =
      branch === undefined
        ? src.kv(this.storeKey).get(this.key)
        : meteredGetLatin1((src as Context).gasMeter, branch, this.fullS);
    return raw === undefined ? undefined : this.valueCodec.decode(raw);
  }

  set(src: StoreSource, value: V): void {
    const bytes = this.valueCodec.encode(value);
    const branch = meteredBranch(src);
    if (branch === undefined) src.kv(this.storeKey).set(this.key, bytes);
    else meteredSetLatin1((src as Context).gasMeter, branch, this.fullS, this.full, bytes);
  }
}

const decoder = new TextDecoder();

export const stringCodec: Codec<string> = {
  encode: (s) => utf8(s),
  decode: (b) => decoder.decode(b),
};

/** sdk.Int's store encoding: the decimal text (ASCII, so written and read byte by byte). */
export const amountCodec: Codec<bigint> = {
  encode: (n) => {
    const text = n.toString();
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  },
  decode: (b) => {
    // Anything but ASCII is not an amount: let the exact decoder produce BigInt's error.
    for (let i = 0; i < b.length; i++) if (b[i]! > 0x7f) return BigInt(decoder.decode(b));
    // ASCII bytes read as latin1 are their text, made in one native step rather than char by char.
    return BigInt(latin1(b));
  },
};

export const u64Codec: Codec<bigint> = {
  encode: (n) => u64be(n),
  decode: (b) => readU64be(b, 0),
};

export const bytesCodec: Codec<Uint8Array> = { encode: (b) => b, decode: (b) => Uint8Array.from(b) };

/** Cosmos' length-prefixed address key part, so that an address is never a prefix of another. */
export function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + bytes.length);
  // One byte, as Uint8Array.of wrote it (keys hold addresses, denoms and market ids).
  out[0] = bytes.length;
  out.set(bytes, 1);
  return out;
}

/** lengthPrefixed(utf8(s)) in one allocation when s is short ASCII (market ids, denoms): keys are built several times per order. */
export function lengthPrefixedUtf8(s: string): Uint8Array {
  if (s.length < 0x80) {
    const out = new Uint8Array(1 + s.length);
    out[0] = s.length;
    if (putAscii(out, 1, s)) return out;
  }
  return lengthPrefixed(utf8(s));
}
