#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=4194304 node --max-semi-space-size=64
// The flag on the line above is chain/node/v8Flags.ts's NODE_V8_FLAGS, and the variable its
// NODE_ENV (read there why): V8 takes the flag only on node's command line and glibc reads the
// variable only at start-up, so both ride on the shebang for `npx strike` and `./bin/strike.js`;
// `node bin/strike.js start` runs without them and says so.
// Runs the compiled CLI from dist/ (written by `make build`) when it is up to date, so a
// command starts without compiling TypeScript; otherwise (a fresh clone, or sources edited
// since the last build) it runs the sources through tsx, so `npx strike` always runs the
// code as it is. STRIKE_FROM_SOURCE=1 forces the sources.
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// The folders scripts/build.mjs compiles (its SOURCE_DIRS).
const SOURCE_DIRS = ["app", "chain", "modules", "cli", "genesis", "feeder", "relayer"];

function builtIsCurrent() {
  if (process.env.STRIKE_FROM_SOURCE === "1") return false;
  let stamp;
  try {
    stamp = statSync(join(root, "dist/.stamp")).mtimeMs;
  } catch {
    return false;
  }
  // A few hundred stat calls (a few ms) keep an edited source from running stale code.
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      if (statSync(join(entry.parentPath, entry.name)).mtimeMs > stamp) return false;
    }
  }
  return true;
}

if (builtIsCurrent()) {
  // Source maps cost about a third of start-up to load: only for debugging (STRIKE_DEBUG).
  if (process.env.STRIKE_DEBUG !== undefined) process.setSourceMapsEnabled(true);
  await import("../dist/cli/main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../cli/main.ts");
}
