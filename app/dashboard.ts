/** Where the built dashboard (web/, bundled by scripts/buildWeb.mjs) is, from the source tree or from dist/. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export function dashboardDir(): string | undefined {
  let dir = import.meta.dirname;
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, "package.json"))) {
      const built = join(dir, "dist", "web");
      return existsSync(join(built, "index.html")) ? built : undefined;
    }
    dir = dirname(dir);
  }
  return undefined;
}
