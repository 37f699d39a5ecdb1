/** Builds execution contexts: a store (usually a branch), a gas meter and an event manager. */
import { branchStore } from "../store/branch.js";
import type { KVStore } from "../store/types.js";
import { createEventManager, type EventManager } from "./events.js";
import { gasMeteredStore, type GasMeter } from "./gas.js";
import { moduleStorePrefix, prefixStore } from "./prefixStore.js";
import type { BlockInfo, Context, ExecMode, QueryContext } from "./types.js";
import type { Timestamp } from "../types/abci.js";

/** Each context's unmetered store: only for caches that charge the gas of the reads they answer themselves. */
const contextStores = new WeakMap<Context, KVStore>();

/**
 * The store under a context's gas meter (usually a tx's branch). A module's in-memory cache of
 * its state uses it to know which branch it answers for; it must charge exactly the gas the
 * metered reads it replaces would, so never read state through it otherwise.
 */
export function contextStore(ctx: Context): KVStore | undefined {
  return contextStores.get(ctx);
}

export function createContext(options: {
  block: BlockInfo;
  mode: ExecMode;
  store: KVStore;
  gasMeter: GasMeter;
  events?: EventManager;
}): Context {
  const metered = gasMeteredStore(options.store, options.gasMeter);
  const stores = new Map<string, KVStore>();
  const ctx: Context = {
    block: options.block,
    mode: options.mode,
    gasMeter: options.gasMeter,
    events: options.events ?? createEventManager(),
    kv(storeKey) {
      let s = stores.get(storeKey);
      if (s === undefined) {
        s = prefixStore(metered, moduleStorePrefix(storeKey));
        stores.set(storeKey, s);
      }
      return s;
    },
    atomic(fn) {
      const branch = branchStore(options.store);
      const inner = createContext({
        block: options.block,
        mode: options.mode,
        store: branch,
        gasMeter: options.gasMeter,
      });
      const result = fn(inner);
      branch.write();
      for (const e of inner.events.events)
        ctx.events.emit(
          e.type,
          e.attributes.map((a) => [a.key, a.value] as const),
        );
      return result;
    },
  };
  contextStores.set(ctx, options.store);
  return ctx;
}

export function createQueryContext(store: KVStore, height: bigint, time?: Timestamp): QueryContext {
  return {
    height,
    ...(time === undefined ? {} : { time }),
    kv: (storeKey) => prefixStore(store, moduleStorePrefix(storeKey)),
  };
}
