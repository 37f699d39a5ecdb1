// Compiles the TypeScript sources that the `strike` command runs (app, chain, modules, cli,
// genesis, feeder) to ESM JavaScript in dist/, file by file with source maps, so the CLI and
// the node start without compiling TypeScript on every run. Type checking stays with
// `tsc --noEmit` (make typecheck); this step only strips types. Writes dist/.stamp last:
// bin/strike.js runs dist/ only while no source file is newer than the stamp.
import { build } from "esbuild";
import { readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { buildWeb } from "./buildWeb.mjs";

const root = resolve(import.meta.dirname, "..");
export const SOURCE_DIRS = ["app", "chain", "modules", "cli", "genesis", "feeder", "relayer"];

async function sources(dir) {
  const out = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith(".d.ts")) continue;
    out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

const started = Date.now();
const entryPoints = (await Promise.all(SOURCE_DIRS.map(sources))).flat().sort();
await rm(join(root, "dist"), { recursive: true, force: true });
await build({
  entryPoints,
  outdir: join(root, "dist"),
  outbase: root,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  bundle: false,
  logLevel: "warning",
});
await mkdir(join(root, "dist"), { recursive: true });
await buildWeb();
await writeFile(join(root, "dist/.stamp"), `${new Date().toISOString()}\n`);
console.log(`built ${entryPoints.length} files into dist/ in ${Date.now() - started} ms`);
