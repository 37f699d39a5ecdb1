/**
 * In-process benchmarks run with the V8 flags a node runs with (NODE_V8_FLAGS): the young
 * generation's size sets how much of the work goes to GC, and V8 fixes it when a process
 * starts. Measured on the state tree (2026-12-05, two alternated pairs): 40.2k / 40.4k
 * updates/s computed without the flag, 45.8k / 46.9k with it. A figure measured without them
 * would understate what a node does.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { missingV8Flags } from "../../chain/node/v8Flags.js";

/** Whether this process has the node's V8 flags: recorded with each in-process figure. */
export function hasNodeV8Flags(): boolean {
  return missingV8Flags(process.execArgv, process.env["NODE_OPTIONS"]).length === 0;
}

/**
 * Call first in a benchmark script (`runAsNode(import.meta.url)`): a process started
 * without the node's V8 flags runs the script again in a child that has them, with the same
 * arguments and environment, and exits with the child's code.
 */
export function runAsNode(scriptUrl: string): void {
  const missing = missingV8Flags(process.execArgv, process.env["NODE_OPTIONS"]);
  if (missing.length === 0) return;
  const r = spawnSync(
    process.execPath,
    [...missing, ...process.execArgv, fileURLToPath(scriptUrl), ...process.argv.slice(2)],
    {
      stdio: "inherit",
    },
  );
  process.exit(r.status ?? 1);
}
