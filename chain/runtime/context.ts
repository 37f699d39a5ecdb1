/** Builds execution contexts: a store (usually a branch), a gas meter and an event manager. */
import { Branch, branchStore } from "../store/branch.js";
import { keyString } from "../store/sortedKeys.js";
import type { KVStore } from "../store/types.js";
import { createEventManager, type EventManager } from "./events.js";
import {
  gasMeteredStore,
  meteredDeleteLatin1,
  meteredGetLatin1,
  meteredHasLatin1,
  meteredSetLatin1,
  type GasMeter,
} from "./gas.js";
import { moduleStorePrefix, prefixedKey, prefixStore } from "./prefixStore.js";
import type { BlockInfo, Context, ExecMode, QueryContext } from "./types.js";
import type { Timestamp } from "../types/abci.js";

/**
 * A tx's or a block hook's context. A class, not an object of closures: a tx makes one for
 * its ante and one per message, and what they allocated showed in every order's cost.
 */
class ExecContext implements Context {
  readonly events: EventManager;
  private readonly metered: KVStore;
  /** Module stores by store key, made on first use. */
  private stores: Map<string, KVStore> | undefined;

  constructor(
    readonly block: BlockInfo,
    readonly mode: ExecMode,
    /** The unmetered store (see contextStore). */
    readonly store: KVStore,
    readonly gasMeter: GasMeter,
    events: EventManager | undefined,
  ) {
    this.events = events ?? createEventManager();
    this.metered = gasMeteredStore(store, gasMeter);
  }

  kv(storeKey: string): KVStore {
    const stores = (this.stores ??= new Map());
    let s = stores.get(storeKey);
    if (s === undefined) {
      const prefix = moduleStorePrefix(storeKey);
      const store = this.store;
      s =
        store instanceof Branch
          ? new BranchModuleStore(store, this.gasMeter, prefix, prefixStore(this.metered, prefix))
          : prefixStore(this.metered, prefix);
      stores.set(storeKey, s);
    }
    return s;
  }

  atomic<T>(fn: (ctx: Context) => T): T {
    const branch = branchStore(this.store);
    const inner = new ExecContext(this.block, this.mode, branch, this.gasMeter, undefined);
    const result = fn(inner);
    branch.write();
    for (const e of inner.events.events)
      this.events.emit(
        e.type,
        e.attributes.map((a) => [a.key, a.value] as const),
      );
    return result;
  }
}

/**
 * A module's store on a context's branch: what `prefixStore(gasMeteredStore(branch))` does,
 * with the point accesses made by the full key's latin1 form (gas.ts charges them as the
 * metered store does). A write's full key is made once and handed to the branch, which
 * otherwise copies it; every order makes a few dozen such accesses. Scans take the layered
 * store.
 */
class BranchModuleStore implements KVStore {
  constructor(
    private readonly branch: Branch,
    private readonly meter: GasMeter,
    private readonly prefix: Uint8Array,
    private readonly layered: KVStore,
  ) {}

  private full(key: Uint8Array): Uint8Array {
    return prefixedKey(this.prefix, key);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return meteredGetLatin1(this.meter, this.branch, keyString(this.full(key)));
  }

  has(key: Uint8Array): boolean {
    return meteredHasLatin1(this.meter, this.branch, keyString(this.full(key)));
  }

  set(key: Uint8Array, value: Uint8Array): void {
    const full = this.full(key);
    meteredSetLatin1(this.meter, this.branch, keyString(full), full, value);
  }

  delete(key: Uint8Array): void {
    const full = this.full(key);
    meteredDeleteLatin1(this.meter, this.branch, keyString(full), full);
  }

  iterator(start?: Uint8Array, end?: Uint8Array, reverse?: boolean): IterableIterator<[Uint8Array, Uint8Array]> {
    return this.layered.iterator(start, end, reverse);
  }
}

/**
 * The store under a context's gas meter (usually a tx's branch). A module's in-memory cache of
 * its state uses it to know which branch it answers for; it must charge exactly the gas the
 * metered reads it replaces would, so never read state through it otherwise.
 */
export function contextStore(ctx: Context): KVStore | undefined {
  return ctx instanceof ExecContext ? ctx.store : undefined;
}

export function createContext(options: {
  block: BlockInfo;
  mode: ExecMode;
  store: KVStore;
  gasMeter: GasMeter;
  events?: EventManager;
}): Context {
  return new ExecContext(options.block, options.mode, options.store, options.gasMeter, options.events);
}

export function createQueryContext(store: KVStore, height: bigint, time?: Timestamp): QueryContext {
  return {
    height,
    ...(time === undefined ? {} : { time }),
    kv: (storeKey) => prefixStore(store, moduleStorePrefix(storeKey)),
  };
}
