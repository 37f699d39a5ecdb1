/** Message and query routing tables, built once from the modules; a duplicate registration is a wiring bug. */
import type { AppModule, MsgRoute, QueryRoute } from "./types.js";

export interface Routers {
  msgs: ReadonlyMap<string, MsgRoute<unknown>>;
  queries: ReadonlyMap<string, QueryRoute>;
}

export function buildRouters(modules: readonly AppModule[]): Routers {
  const msgs = new Map<string, MsgRoute<unknown>>();
  const queries = new Map<string, QueryRoute>();
  for (const m of modules) {
    for (const r of m.msgs ?? []) {
      if (msgs.has(r.typeUrl)) throw new TypeError(`message ${r.typeUrl} registered twice`);
      msgs.set(r.typeUrl, r as MsgRoute<unknown>);
    }
    for (const q of m.queries ?? []) {
      if (queries.has(q.path)) throw new TypeError(`query ${q.path} registered twice`);
      queries.set(q.path, q);
    }
  }
  return { msgs, queries };
}
