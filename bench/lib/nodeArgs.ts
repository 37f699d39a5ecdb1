/**
 * Node flags for the validator processes a benchmark starts: the ones `make start` and
 * `npx strike start` run with (NODE_V8_FLAGS), so the figures are the network's as shipped,
 * then BENCH_NODE_ARGS (--cpu-prof, --heap-prof, ...; a later flag overrides an earlier one).
 */
import { NODE_V8_FLAGS } from "../../chain/node/v8Flags.js";

export function benchNodeArgs(): string[] {
  return [...NODE_V8_FLAGS, ...(process.env["BENCH_NODE_ARGS"] ?? "").split(" ").filter((a) => a !== "")];
}
