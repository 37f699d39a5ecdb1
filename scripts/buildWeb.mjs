// Bundles the dashboard (web/) into dist/web/: app.js (esbuild, with lightweight-charts and
// the protobuf codecs inside: nothing is fetched from a CDN), index.html and style.css. The
// node serves this folder at /ui. Run by scripts/build.mjs (make build / make compile).
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");

export async function buildWeb() {
  const out = join(root, "dist/web");
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: [join(root, "web/src/main.ts")],
    outfile: join(out, "app.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    logLevel: "warning",
  });
  for (const f of ["index.html", "style.css"]) await copyFile(join(root, "web", f), join(out, f));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  await buildWeb();
  console.log(`built the dashboard into dist/web/ in ${Date.now() - started} ms`);
}
