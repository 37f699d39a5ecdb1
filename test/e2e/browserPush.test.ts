/**
 * A real browser reads the node's websocket pushes whole: a push whose shared body is 64 KiB
 * or more goes out as two fragments of one message (chain/rpc/render/frames.ts), which the
 * dashboard's own blocks are, past ~25 txs a block. Headless Chromium subscribes on the RPC
 * server over the test harness's chain and gets a large event and the small one after it.
 */
import test from "ava";
import type { Browser } from "playwright-core";
import { startRpcServer, type RpcServer } from "../../chain/rpc/server.js";
import { launchChromium } from "../helpers/chromium.js";
import { buildHarness, type Harness } from "../unit/rpc/fixture.js";

let h: Harness;
let server: RpcServer;
let browser: Browser;

test.before(async () => {
  h = await buildHarness();
  server = await startRpcServer({ laddr: "tcp://127.0.0.1:0", services: h.services });
  browser = await launchChromium();
});

test.after.always(async () => {
  await browser?.close();
  await server?.close();
});

test("Chromium gets a large push (two fragments) and the next one whole and in order", async (t) => {
  const page = await browser.newPage();
  const wsUrl = `${server.url.replace("http", "ws")}/websocket`;
  // The page subscribes and keeps every message it reads, as text.
  await page.evaluate(async (url) => {
    const w = globalThis as unknown as { got: string[] };
    w.got = [];
    const ws = new WebSocket(url);
    await new Promise((resolve) => ws.addEventListener("open", resolve, { once: true }));
    ws.addEventListener("message", (e) => void w.got.push(String(e.data)));
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "subscribe", params: { query: "tm.event='Receipt'" } }));
  }, wsUrl);
  await page.waitForFunction(() => (globalThis as unknown as { got: string[] }).got.length === 1);
  const big = "é".repeat(100_000) + "z".repeat(50_000);
  h.bus.publish({ type: "Receipt", value: { big }, attributes: new Map() });
  h.bus.publish({ type: "Receipt", value: { after: 1 }, attributes: new Map() });
  await page.waitForFunction(() => (globalThis as unknown as { got: string[] }).got.length === 3);
  const got = (await page.evaluate(() => (globalThis as unknown as { got: string[] }).got)).map(
    (m) => JSON.parse(m) as { id: number; result: { data?: { value?: unknown } } },
  );
  t.deepEqual(got[0]!.result, {});
  t.is(got[1]!.id, 3);
  t.deepEqual(got[1]!.result.data, { type: "strike/event/Receipt", value: { big } });
  t.deepEqual(got[2]!.result.data, { type: "strike/event/Receipt", value: { after: 1 } });
  await page.close();
});
