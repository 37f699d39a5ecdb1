/** Begin- and end-block hooks of every module, run on a base store (the block's state or a speculative branch of it). */
import { branchStore } from "../store/branch.js";
import type { KVStore } from "../store/types.js";
import type { AbciEvent, ValidatorUpdate } from "../types/abci.js";
import { isStrikeError } from "../types/errors.js";
import { createContext } from "./context.js";
import { createGasMeter } from "./gas.js";
import type { AppModule, BlockInfo, Context } from "./types.js";

export interface HookLogger {
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function runBlockHook(
  o: { modules: readonly AppModule[]; base: KVStore; logger: HookLogger | undefined },
  ctxBlock: BlockInfo,
  hook: "beginBlock" | "endBlock",
  events: AbciEvent[],
  updates: ValidatorUpdate[] = [],
): void {
  for (const m of o.modules) {
    const fn = m[hook];
    if (fn === undefined) continue;
    const branch = branchStore(o.base);
    const ctx: Context = createContext({
      block: ctxBlock,
      mode: "finalize",
      store: branch,
      gasMeter: createGasMeter(undefined),
    });
    const mode = hook === "beginBlock" ? "BeginBlock" : "EndBlock";
    try {
      const returned = fn.call(m, ctx);
      if (Array.isArray(returned)) updates.push(...returned);
    } catch (e) {
      // A failing hook must not halt the chain: its writes are dropped, the block goes on,
      // and every node does the same because the failure is deterministic.
      const strike = isStrikeError(e);
      o.logger?.error(`${m.name} ${hook} failed; its changes in this block are dropped`, { error: String(e) });
      events.push({
        type: "block_hook_failed",
        attributes: [
          { key: "module", value: m.name, index: true },
          { key: "hook", value: mode, index: true },
          { key: "codespace", value: strike ? e.codespace : "undefined", index: true },
          { key: "code", value: strike ? String(e.code) : "1", index: true },
        ],
      });
      continue;
    }
    branch.write();
    for (const e of ctx.events.events)
      events.push({ type: e.type, attributes: [...e.attributes, { key: "mode", value: mode, index: true }] });
  }
}
