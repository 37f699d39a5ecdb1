/**
 * The market-data methods and /ui on a real server over loopback: bad parameters are typed
 * errors, and the static handler serves only the dashboard's own files.
 */
import test from "ava";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { indexerErrors } from "../../../chain/indexer/errors.js";
import { openMarketData } from "../../../chain/indexer/marketData.js";
import { createMarketFeed } from "../../../chain/indexer/marketFeed.js";
import { startRpcServer, type RpcServer } from "../../../chain/rpc/server.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { WebSocket } from "ws";
import { buildHarness } from "./fixture.js";

let server: RpcServer;
let uiDir: string;

test.before(async () => {
  const h = await buildHarness();
  uiDir = await mkdtemp(join(tmpdir(), "strike-ui-"));
  await writeFile(join(uiDir, "index.html"), "<html>dashboard</html>");
  await writeFile(join(tmpdir(), "strike-ui-secret.txt"), "TOP-SECRET-CONTENT");
  const index = await openMarketData({ db: createMemoryDatabase() });
  const feed = createMarketFeed({
    book: async (market) => {
      // As app/bookSource.ts refuses it: the error names the book.
      if (market !== "ETH-PERP") throw indexerErrors.invalidQuery(`book of ${market}: unknown market ${market}`);
      return { height: 1n, bids: [["100", "1"]], asks: [] };
    },
  });
  server = await startRpcServer({
    laddr: "tcp://127.0.0.1:0",
    services: { ...h.services, marketData: { index, feed } },
    uiDir,
  });
});

test.after.always(async () => {
  await server?.close();
  await rm(uiDir, { recursive: true, force: true });
});

async function call(method: string, params: Record<string, unknown>) {
  const res = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await res.json()) as { result?: Record<string, unknown>; error?: { code: number; data: string } };
}

test("strike_candles refuses an unknown interval, a bad market id and an out-of-range limit", async (t) => {
  for (const params of [
    { market: "ETH-PERP", interval: "2m" },
    { market: "../../etc", interval: "1m" },
    { market: "ETH-PERP", interval: "1m", limit: "0" },
    { market: "ETH-PERP", interval: "1m", limit: "1001" },
  ]) {
    const r = await call("strike_candles", params);
    t.is(r.error?.code, -32602, JSON.stringify(params));
  }
  const ok = await call("strike_candles", { market: "ETH-PERP", interval: "5m" });
  t.deepEqual(ok.result, { market: "ETH-PERP", interval: "5m", candles: [] });
});

test("strike_book answers the snapshot with its sequence number; an unknown market is not found", async (t) => {
  const ok = await call("strike_book", { market: "ETH-PERP" });
  t.like(ok.result, { seq: "0", snapshot: true, bids: [["100", "1"]], asks: [] });
  const missing = await call("strike_book", { market: "NOPE-PERP" });
  t.regex(missing.error?.data ?? "", /book of NOPE-PERP/);
  t.notRegex(missing.error?.data ?? "", /book of NOPE-PERP.*book of/, "named once");
});

test("subscriptions are websocket only", async (t) => {
  const r = await call("strike_subscribe", { topic: "prices" });
  t.truthy(r.error);
});

test("/ui serves the dashboard's files and nothing outside its folder", async (t) => {
  const page = await fetch(`${server.url}/ui`);
  t.is(page.status, 200);
  t.is(await page.text(), "<html>dashboard</html>");
  for (const path of [
    "/ui/../strike-ui-secret.txt",
    "/ui/%2e%2e%2fstrike-ui-secret.txt",
    "/ui/.hidden.html",
    "/ui/x.txt",
  ]) {
    const r = await fetch(`${server.url}${path}`);
    t.is(r.status, 404, path);
    t.false((await r.text()).includes("TOP-SECRET-CONTENT"));
  }
  const post = await fetch(`${server.url}/ui`, { method: "POST", body: "{}" });
  t.is(post.status, 405);
});

test("strike_unsubscribe with a bad topic is invalid params, as strike_subscribe; an unknown subscription is not found", async (t) => {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/websocket`);
  await new Promise((r) => ws.once("open", r));
  const replies = new Map<number, { error?: { code: number; data: string } }>();
  ws.on("message", (d: Buffer) => {
    const m = JSON.parse(d.toString()) as { id: number; error?: { code: number; data: string } };
    replies.set(m.id, m);
  });
  const calls: [number, string, Record<string, unknown>][] = [
    [1, "strike_subscribe", { topic: "nope" }],
    [2, "strike_unsubscribe", { topic: "nope" }],
    [3, "strike_unsubscribe", { topic: "book", market: "../x" }],
    [4, "strike_unsubscribe", { topic: "prices" }],
  ];
  for (const [id, method, params] of calls) ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
  while (replies.size < calls.length) await new Promise((r) => setTimeout(r, 10));
  ws.close();
  t.is(replies.get(1)?.error?.code, -32602);
  t.is(replies.get(2)?.error?.code, -32602);
  t.regex(replies.get(2)?.error?.data ?? "", /topic "nope": one of book, trades, candles, prices, account/);
  t.is(replies.get(3)?.error?.code, -32602);
  t.is(replies.get(4)?.error?.code, -32603);
  t.regex(replies.get(4)?.error?.data ?? "", /"prices": subscription not found/);
});
