/**
 * Headless Chromium for browser tests: Debian's `chromium` (installed by the Makefile),
 * driven by playwright-core, never a downloaded browser.
 */
import { execFileSync } from "node:child_process";
import { chromium, type Browser } from "playwright-core";

export function chromiumPath(): string {
  return execFileSync("bash", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
}
