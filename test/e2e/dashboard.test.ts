/**
 * The dashboard at /ui in headless Chromium (Debian's `chromium`, driven by playwright-core;
 * no browser download): the page loads with no console error, an order placed through the
 * CLI shows up in the ladder and its fill in the tape, an address shows its position, the
 * markets table shows every market's mark (option series too) and follows a feeder's new
 * price live, and a screenshot is saved under test/output/dashboard/.
 */
import anyTest, { type TestFn } from "ava";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { decFromString } from "../../chain/types/fixed/index.js";
import { launchChromium } from "../helpers/chromium.js";
import { createTestNode, runCliOk, type TestNode } from "../helpers/localNode.js";

const test = anyTest as TestFn<{ node: TestNode; browser: Browser }>;
const repo = resolve(import.meta.dirname, "../..");
const output = join(repo, "test/output/dashboard");

function webSourcesNewer(): boolean {
  const built = statSync(join(repo, "dist/web/app.js"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = [join(repo, "web/index.html"), join(repo, "web/style.css")];
  for (const f of readdirSync(join(repo, "web/src"))) sources.push(join(repo, "web/src", f));
  return sources.some((f) => statSync(f).mtimeMs > built);
}

test.before(async (t) => {
  // The node serves dist/web only if it exists when it starts (make build writes it); a bundle
  // older than the dashboard's sources would test yesterday's page.
  if (!existsSync(join(repo, "dist/web/index.html")) || webSourcesNewer())
    execFileSync(process.execPath, [join(repo, "scripts/buildWeb.mjs")], { stdio: "inherit" });
  t.context.node = await createTestNode({
    accounts: ["mm", "alice", "feeder"],
    editGenesis: (doc, accounts) => {
      const oracle = (doc["app_state"] as Record<string, Record<string, unknown>>)["oracle"]!;
      oracle["feeders"] = [{ address: accounts["feeder"]!.address, weight: "1" }];
      // Nobody feeds prices here: keep the genesis prices fresh for the whole test.
      (oracle["params"] as Record<string, string>)["stale_after_seconds"] = "1000000";
    },
  });
  t.context.browser = await launchChromium();
});

test.after.always(async (t) => {
  await t.context.browser?.close();
  await t.context.node?.destroy();
});

const tx = (node: TestNode, args: string[]) => runCliOk(["tx", ...args, "--yes", "--output", "json", ...node.common]);

test.serial("the dashboard shows an order placed through the CLI in the book and its fill in the tape", async (t) => {
  const { node, browser } = t.context;
  const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
  page.setDefaultTimeout(60_000);

  await page.goto(`${node.rpcUrl}/ui`);
  await page.waitForSelector("#conn.ok");
  await page.waitForSelector('#markets tbody tr[data-market="ETH-PERP"]');
  await page.waitForSelector("#blocks tbody tr");
  t.regex((await page.textContent("#book-market")) ?? "", /PERP/);
  await page.click('#markets tbody tr[data-market="ETH-PERP"]');
  await page.waitForFunction(`document.getElementById("book-market")?.textContent === "ETH-PERP"`);

  await tx(node, ["margin", "deposit", "100000000000uusdc", "--from", "mm"]);
  await tx(node, ["margin", "deposit", "5000000000uusdc", "--from", "alice"]);
  const place = (from: string, side: string, size: string, p: string, tif: string) =>
    tx(node, [
      "trade",
      "place",
      "--market",
      "ETH-PERP",
      "--side",
      side,
      "--size",
      size,
      "--price",
      p,
      "--tif",
      tif,
      "--from",
      from,
    ]);
  await place("mm", "sell", "2", "3001.5", "post-only");
  await page.waitForFunction(`document.querySelector("#ladder tbody")?.textContent?.includes("3001.5")`);
  t.regex((await page.textContent("#ladder tbody")) ?? "", /3001\.5\s*2/);

  await place("alice", "buy", "1", "3002", "ioc");
  await page.waitForFunction(`document.querySelector("#tape tbody")?.textContent?.includes("3001.5")`);
  const tape = await page.$$eval("#tape tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  t.deepEqual(
    tape.map((r) => r.slice(1)),
    [["buy", "3001.5", "1"]],
  );
  // What is left of the maker's order: 1 at 3001.5.
  await page.waitForFunction(`/3001\\.5\\s*1(?!\\d)/.test(document.querySelector("#ladder tbody")?.textContent ?? "")`);

  // Funding: the rate ETH-PERP's interval would pay now (the margin Funding query). A bid of
  // 15,005 USDC at 3001, above the oracle's 3000, gives each block from now a premium of
  // 1/3000 = 0.0333%: the interval's average turns positive (longs pay), and the cell says
  // when it is paid, as the CLI does.
  const fundingCell = `#markets tbody tr[data-market="ETH-PERP"] td:nth-child(4)`;
  t.regex((await page.textContent(fundingCell)) ?? "", /^-?\d+\.\d{4}%$/);
  await place("mm", "buy", "5", "3001", "post-only");
  await page.waitForFunction(
    `/^0\\.\\d{4}%$/.test(document.querySelector('${fundingCell}')?.textContent ?? "") && document.querySelector('${fundingCell}')?.textContent !== "0.0000%"`,
  );
  const shownRate = (await page.textContent(fundingCell))!;
  t.true(decFromString(shownRate.slice(0, -1)) <= decFromString("0.0334"), `${shownRate} is at most the sample`);
  const cli = JSON.parse(await runCliOk(["query", "funding", "ETH-PERP", "--output", "json", ...node.common])) as {
    next_payment: { height: string };
    markets: { rate: string }[];
  };
  t.true(decFromString(cli.markets[0]!.rate) > 0n, "the chain's rate is positive too");
  t.regex(
    (await page.getAttribute(fundingCell, "title")) ?? "",
    new RegExp(`paid at height ${cli.next_payment.height}\\b`),
  );

  // The txs just sent are on the finality timeline: sequenced with a receipt, then committed.
  await page.waitForSelector("#receipts tbody tr");
  t.regex((await page.textContent("#receipts tbody")) ?? "", /✓ \d+\/\d+/);

  // Every market's mark, an option series' included: the model price the Marks query answers.
  const marks = JSON.parse(await runCliOk(["query", "marks", "--output", "json", ...node.common])) as {
    marks: { market: string; type: string; mark: string }[];
  };
  const call = marks.marks.find((m) => m.type === "option" && m.market.startsWith("ETH-") && m.market.endsWith("-C"))!;
  const markCell = (market: string) => `#markets tbody tr[data-market="${market}"] td:nth-child(2)`;
  t.regex((await page.textContent(markCell(call.market))) ?? "", /^\d+\.\d\d$/, `${call.market} shows a mark`);
  const shownCall = (await page.textContent(markCell(call.market)))!;
  // The page shows two places of the mark it read (which may be a block older than the CLI's).
  t.true(
    decFromString(shownCall) <= decFromString(call.mark) + decFromString("1") &&
      decFromString(shownCall) >= decFromString(call.mark) - decFromString("1"),
    `${shownCall} is ${call.mark} to two places`,
  );
  t.is(await page.textContent(markCell("ETH-PERP")), "3000.00");

  // A feeder moves ETH: the perpetual's and the series' marks follow on the page, live.
  await tx(node, ["oracle", "submit-prices", "ETH=3200", "--from", "feeder"]);
  await page.waitForFunction(`document.querySelector('${markCell("ETH-PERP")}')?.textContent === "3200.00"`);
  await page.waitForFunction(
    `document.querySelector('${markCell(call.market)}')?.textContent !== ${JSON.stringify(shownCall)}`,
  );
  const movedCall = (await page.textContent(markCell(call.market)))!;
  t.true(decFromString(movedCall) > decFromString(shownCall), `the call's mark rose: ${shownCall} → ${movedCall}`);

  await page.fill("#address", node.accounts["alice"]!.address);
  await page.click("#account-form button");
  await page.waitForSelector("#positions-0 tbody tr");
  t.regex((await page.textContent("#positions-0")) ?? "", /ETH-PERP/);

  mkdirSync(output, { recursive: true });
  await page.screenshot({ path: join(output, "dashboard.png"), fullPage: true });
  t.true(existsSync(join(output, "dashboard.png")));
  t.deepEqual(errors, [], "no console errors");
});
