/**
 * Node flags for the validator processes a benchmark starts: the ones `make start` and
 * `npx strike start` run with (NODE_V8_FLAGS), so the figures are the network's as shipped,
 * then BENCH_NODE_ARGS (--cpu-prof, --heap-prof, ...; a later flag overrides an earlier one).
 */
import { NODE_ENV, NODE_V8_FLAGS, SHARED_CORES_V8_FLAGS } from "../../chain/node/v8Flags.js";

const extra = (): string[] => (process.env["BENCH_NODE_ARGS"] ?? "").split(" ").filter((a) => a !== "");

/** One validator on this machine (bankSends.ts, soak.ts). */
export function benchNodeArgs(): string[] {
  return [...NODE_V8_FLAGS, ...extra()];
}

/** Several validators sharing this machine's cores, as `make start` runs them (scripts/localnet.sh). */
export function localnetNodeArgs(): string[] {
  return [...NODE_V8_FLAGS, ...SHARED_CORES_V8_FLAGS, ...extra()];
}

/** The environment for those processes: this one's, with NODE_ENV's settings where it has none of its own. */
export function benchNodeEnv(): NodeJS.ProcessEnv {
  return { ...NODE_ENV, ...process.env };
}
