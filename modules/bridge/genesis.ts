/**
 * bridge genesis: empty. A chain starts with nothing bridged; its L1 contract starts with
 * no deposits, so any other starting state would break the contract's balance invariant.
 */
import type { Context } from "../../chain/runtime/types.js";
import { bridgeErrors } from "./errors.js";

export type BridgeGenesis = Record<string, never>;

export function defaultBridgeGenesis(): BridgeGenesis {
  return {};
}

export function initBridgeGenesis(_ctx: Context, state: unknown): void {
  if (state === undefined || state === null) return;
  if (typeof state !== "object" || Array.isArray(state) || Object.keys(state).length > 0)
    throw bridgeErrors.invalidGenesis("app_state.bridge must be {} (a chain starts with nothing bridged)");
}
