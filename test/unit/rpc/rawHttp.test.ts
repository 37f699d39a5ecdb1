/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON-RPC replies are asserted field by field */
import test from "ava";
import { request } from "node:http";
import { WebSocket } from "ws";
import { startRpcServer, parseLaddr, type RpcServer } from "../../../chain/rpc/server.js";
import { rpcErrors } from "../../../chain/rpc/errors.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { buildHarness, type Harness } from "./fixture.js";

let h: Harness;
let server: RpcServer;

test.before(async () => {
  h = await buildHarness();
  server = await startRpcServer({ laddr: "tcp://127.0.0.1:0", services: h.services, maxBodyBytes: 10_000 });
});

test.after.always(async () => {
  await server?.close();
});

interface Reply {
  status: number;
  body: string;
  json: any;
}

async function post(body: string | Buffer): Promise<Reply> {
  const res = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const text = await res.text();
  return { status: res.status, body: text, json: text === "" ? undefined : JSON.parse(text) };
}

async function get(path: string): Promise<Reply> {
  const res = await fetch(`${server.url}${path}`);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, body: text, json };
}

const call = (method: string, params: unknown = {}, id: unknown = 1) =>
  JSON.stringify({ jsonrpc: "2.0", id, method, params });

test("malformed JSON is a -32700 parse error and the server keeps serving", async (t) => {
  const r = await post("{not json");
  t.is(r.status, 500);
  t.is(r.json.error.code, -32700);
  t.regex(r.json.error.data, /error unmarshaling request/);
  t.is((await post(call("health"))).json.result && 1, 1);
});

test("an unknown method is -32601 with the request's id", async (t) => {
  const r = await post(call("no_such_method", {}, "abc"));
  t.is(r.status, 200);
  t.deepEqual(r.json, { jsonrpc: "2.0", id: "abc", error: { code: -32601, message: "Method not found" } });
});

test("subscribe over plain HTTP is method not found, as in CometBFT", async (t) => {
  t.is((await post(call("subscribe", { query: "tm.event='NewBlock'" }))).json.error.code, -32601);
});

test("bad params are -32602 and chain errors are -32603 with the reason in data", async (t) => {
  const bad = await post(call("block", { height: "five" }));
  t.is(bad.json.error.code, -32602);
  t.regex(bad.json.error.data, /^error converting json params to arguments: height/);
  const future = await post(call("block", { height: "99" }));
  t.is(future.json.error.code, -32603);
  t.is(future.json.error.data, "height 99 must be less than or equal to the current blockchain height 3");
  const order = await post(call("tx_search", { query: "tx.height=1", order_by: "sideways" }));
  t.is(order.json.error.code, -32602);
  const query = await post(call("tx_search", { query: "tx.height ==" }));
  t.is(query.json.error.code, -32603);
  t.regex(query.json.error.data, /invalid event query/);
});

test("a request that is not an object or has a bad id or method is -32600", async (t) => {
  t.is((await post("42")).json.error.code, -32600);
  t.is((await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: 7 }))).json.error.code, -32600);
  t.is((await post(JSON.stringify({ jsonrpc: "2.0", id: { x: 1 }, method: "health" }))).json.error.code, -32600);
});

test("a body larger than the configured maximum is rejected with a clear error", async (t) => {
  const r = await post(call("broadcast_tx_sync", { tx: Buffer.alloc(20_000).toString("base64") }));
  t.is(r.status, 400);
  t.is(r.json.error.code, -32600);
  t.regex(r.json.error.data, /request body too large \(limit 10000 bytes\)/);
  t.false(h.admitted.some((tx) => tx.length === 20_000));
  t.is((await post(call("health"))).status, 200);
});

test("a batch gets one response per request with an id, in order", async (t) => {
  const body = JSON.stringify([
    { jsonrpc: "2.0", id: 1, method: "health", params: {} },
    { jsonrpc: "2.0", method: "health", params: {} },
    { jsonrpc: "2.0", id: 2, method: "nope" },
    { jsonrpc: "2.0", id: 3, method: "block", params: ["2"] },
  ]);
  const r = await post(body);
  t.true(Array.isArray(r.json));
  t.deepEqual(
    r.json.map((x: { id: number }) => x.id),
    [1, 2, 3],
  );
  t.deepEqual(r.json[0].result, {});
  t.is(r.json[1].error.code, -32601);
  t.is(r.json[2].result.block.header.height, "2");
});

test("a notification alone gets an empty reply", async (t) => {
  const r = await post(JSON.stringify({ jsonrpc: "2.0", method: "health" }));
  t.is(r.status, 200);
  t.is(r.body, "");
});

test("URI GET calls take bare ints, quoted strings and 0x hex like CometBFT", async (t) => {
  const status = await get("/status");
  t.is(status.json.id, -1);
  t.is(status.json.result.node_info.version.slice(0, 5), "0.38.");
  t.is(status.json.result.sync_info.latest_block_height, "3");
  const block = await get("/block?height=2");
  t.is(block.json.result.block.header.height, "2");
  t.is(block.json.result.block_id.hash, Buffer.from(h.chain.metas[1]!.blockId.hash).toString("hex").toUpperCase());
  const hash = Buffer.from(sha256(h.chain.blocks[2]!.txs[0]!)).toString("hex");
  const tx = await get(`/tx?hash=0x${hash}`);
  t.is(tx.json.result.height, "3");
  t.is(tx.json.result.hash, hash.toUpperCase());
  const search = await get(`/tx_search?query=${encodeURIComponent('"tx.height=2"')}&per_page=1`);
  t.is(search.json.result.total_count, "2");
  t.is(search.json.result.txs.length, 1);
  const byHash = await get(`/block_by_hash?hash=0x${Buffer.from(h.chain.metas[0]!.blockId.hash).toString("hex")}`);
  t.is(byHash.json.result.block.header.height, "1");
  const query = await get(`/abci_query?path=${encodeURIComponent('"/app/version"')}&data=0xabcd`);
  t.is(query.json.result.response.key, Buffer.from([0xab, 0xcd]).toString("base64"));
});

test("URI GET errors use CometBFT's http wording and never crash", async (t) => {
  const bad = await get("/block?height=abc");
  t.is(bad.status, 500);
  t.is(bad.json.error.code, -32602);
  t.regex(bad.json.error.data, /^error converting http params to arguments/);
  t.is((await get("/not_a_method")).status, 404);
  t.is((await get("/")).status, 200);
  t.regex((await get("/")).body, /Available endpoints/);
});

test("JSON shapes follow CometBFT: string int64s, uppercase hex hashes, base64 txs, RFC3339Nano times", async (t) => {
  const r = (await post(call("block", { height: "2" }))).json.result;
  t.is(typeof r.block.header.height, "string");
  t.is(r.block.header.version.block, "11");
  t.regex(r.block.header.app_hash, /^[0-9A-F]{64}$/);
  t.is(r.block.header.time, "2023-11-14T22:13:30.123456Z");
  t.is(r.block.data.txs[0], Buffer.from(h.chain.blocks[1]!.txs[0]!).toString("base64"));
  t.is(r.block.last_commit.signatures[0].block_id_flag, 2);
  t.is(r.block.last_commit.round, 0);
  const results = (await post(call("block_results", { height: "2" }))).json.result;
  t.is(results.txs_results[0].gas_wanted, "200000");
  t.deepEqual(results.txs_results[0].events[0].attributes[0], {
    key: "action",
    value: "/cosmos.bank.v1beta1.MsgSend",
    index: true,
  });
  t.is(typeof results.app_hash, "string");
  const bc = (await post(call("blockchain", { minHeight: "1", maxHeight: "3" }))).json.result;
  t.is(bc.block_metas[0].num_txs, "1");
});

test("validators and tx_search enforce CometBFT's paging rules", async (t) => {
  const page = await post(call("validators", { page: "2" }));
  t.regex(page.json.error.data, /page should be within \[1, 1\] range, given 2/);
  const big = await post(call("tx_search", { query: "tx.height>0", per_page: "1000" }));
  t.is(big.json.result.total_count, "3");
  t.is(big.json.result.txs.length, 3);
});

test.serial(
  "the websocket answers calls, rejects malformed JSON and delivers subscribed events with the subscribe id",
  async (t) => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/websocket`);
    const messages: any[] = [];
    const waiters: (() => void)[] = [];
    ws.on("message", (m) => {
      messages.push(JSON.parse(m.toString()));
      waiters.splice(0).forEach((w) => w());
    });
    const next = async (): Promise<any> => {
      while (messages.length === 0) await new Promise<void>((r) => waiters.push(r));
      return messages.shift();
    };
    await new Promise((r) => ws.once("open", r));
    ws.send("{oops");
    t.is((await next()).error.code, -32700);
    ws.send(call("subscribe", { query: "tm.event='NewBlockHeader'" }, 77));
    t.deepEqual((await next()).result, {});
    h.bus.publish({ type: "NewBlockHeader", header: h.chain.blocks[0]!.header });
    const ev = await next();
    t.is(ev.id, 77);
    t.is(ev.result.query, "tm.event='NewBlockHeader'");
    t.is(ev.result.data.type, "tendermint/event/NewBlockHeader");
    t.is(ev.result.data.value.header.height, "1");
    t.deepEqual(ev.result.events["tm.event"], ["NewBlockHeader"]);
    ws.send(call("subscribe", { query: "tm.event='NewBlockHeader'" }, 78));
    t.regex((await next()).error.data, /already subscribed/);
    ws.send(call("unsubscribe_all", {}, 79));
    t.deepEqual((await next()).result, {});
    t.is(h.bus.numClients(), 0);
    ws.close();
  },
);

test.serial(
  "every subscriber of an event gets it under its own id and query; one that cannot be encoded is an internal error and the subscription goes on",
  async (t) => {
    const open = async (query: string, id: number) => {
      const ws = new WebSocket(`${server.url.replace("http", "ws")}/websocket`);
      const raw: string[] = [];
      const waiters: (() => void)[] = [];
      ws.on("message", (m) => {
        raw.push(m.toString());
        waiters.splice(0).forEach((w) => w());
      });
      const next = async (): Promise<string> => {
        while (raw.length === 0) await new Promise<void>((r) => waiters.push(r));
        return raw.shift()!;
      };
      await new Promise((r) => ws.once("open", r));
      ws.send(call("subscribe", { query }, id));
      t.deepEqual(JSON.parse(await next()).result, {});
      return { ws, next };
    };
    const a = await open("tm.event='NewBlock'", 5);
    const b = await open("tm.event = 'NewBlock'", 6);
    const block = h.chain.blocks[2]!;
    h.bus.publish({
      type: "NewBlock",
      block,
      blockId: h.chain.commits[2]!.blockId,
      resultFinalizeBlock: h.chain.results[2]!,
    });
    const [ea, eb] = [JSON.parse(await a.next()), JSON.parse(await b.next())];
    t.is(ea.id, 5);
    t.is(eb.id, 6);
    t.is(ea.result.query, "tm.event='NewBlock'");
    t.is(eb.result.query, "tm.event = 'NewBlock'");
    t.is(ea.result.data.value.block.header.height, "3");
    t.is(ea.result.data.value.block.data.txs.length, block.txs.length);
    t.deepEqual(ea.result.data, eb.result.data);
    t.deepEqual(ea.result.events, eb.result.events);

    // A Receipt event whose value a bug left with a bigint: the subscriber is told, under its id.
    const c = await open("tm.event='Receipt'", 7);
    h.bus.publish({ type: "Receipt", value: { height: 3n }, attributes: new Map() });
    const failed = JSON.parse(await c.next());
    t.is(failed.id, 7);
    t.is(failed.error.code, -32603);
    t.regex(failed.error.data, /error marshaling response/);
    h.bus.publish({ type: "Receipt", value: { height: "3" }, attributes: new Map() });
    const ok = JSON.parse(await c.next());
    t.is(ok.id, 7);
    t.deepEqual(ok.result.data, { type: "strike/event/Receipt", value: { height: "3" } });

    // A push past 64 KiB goes out in two fragments (the subscriber's head, the shared body):
    // the client reads one message, in order with the small ones around it.
    const big = "x".repeat(300_000) + "é";
    h.bus.publish({ type: "Receipt", value: { big }, attributes: new Map() });
    h.bus.publish({ type: "Receipt", value: { after: true }, attributes: new Map() });
    const bigRaw = await c.next();
    t.true(Buffer.byteLength(bigRaw) > 300_000);
    t.deepEqual(JSON.parse(bigRaw), {
      jsonrpc: "2.0",
      id: 7,
      result: {
        query: "tm.event='Receipt'",
        data: { type: "strike/event/Receipt", value: { big } },
        events: { "tm.event": ["Receipt"] },
      },
    });
    t.deepEqual(JSON.parse(await c.next()).result.data.value, { after: true });
    for (const s of [a, b, c]) s.ws.close();
  },
);

test("listen addresses are parsed from CometBFT's tcp:// form", (t) => {
  t.deepEqual(parseLaddr("tcp://127.0.0.1:26657"), { host: "127.0.0.1", port: 26657 });
  t.deepEqual(parseLaddr("[::1]:0"), { host: "::1", port: 0 });
  t.true(rpcErrors.invalidAddress.is(t.throws(() => parseLaddr("unix:///tmp/sock"))));
});

test("the server listens only on the configured host", async (t) => {
  t.true(server.url.startsWith("http://127.0.0.1:"));
  const err = await new Promise<Error | undefined>((resolve) => {
    const req = request({ host: "127.0.0.2", port: server.port, path: "/health" }, () => resolve(undefined));
    req.on("error", resolve);
    req.end();
  });
  t.truthy(err);
});

test.serial(
  "broadcast_tx_commit returns at once on a CheckTx failure and times out with an error when no block includes the tx",
  async (t) => {
    const fast = await startRpcServer({
      laddr: "tcp://127.0.0.1:0",
      services: h.services,
      timeoutBroadcastTxCommitMs: 50,
    });
    try {
      const send = async (tx: string) => {
        const res = await fetch(fast.url, {
          method: "POST",
          body: call("broadcast_tx_commit", { tx: Buffer.from(tx).toString("base64") }),
        });
        return (await res.json()) as any;
      };
      const rejected = await send("bad");
      t.is(rejected.result.check_tx.code, 5);
      t.is(rejected.result.height, "0");
      const waited = await send("never-included");
      t.is(waited.error.code, -32603);
      t.is(waited.error.data, "timed out waiting for tx to be included in a block");
      t.is(h.bus.numClients(), 0);
    } finally {
      await fast.close();
    }
  },
);

test("a websocket message larger than the maximum body size closes the connection", async (t) => {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/websocket`);
  await new Promise((r) => ws.once("open", r));
  const code = new Promise<number>((resolve) => ws.once("close", (c) => resolve(c)));
  ws.send(call("broadcast_tx_sync", { tx: Buffer.alloc(20_000).toString("base64") }));
  t.is(await code, 1009);
  t.is((await post(call("health"))).status, 200);
});

test("an empty batch over the websocket is answered with an invalid-request error, as over HTTP", async (t) => {
  const ws = new WebSocket(`${server.url.replace("http", "ws")}/websocket`);
  await new Promise((r) => ws.once("open", r));
  const replies: any[] = [];
  ws.on("message", (d: Buffer) => replies.push(JSON.parse(d.toString())));
  ws.send("[]");
  ws.send(call("health"));
  const deadline = Date.now() + 3000;
  while (replies.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  ws.close();
  t.deepEqual(replies[0], {
    jsonrpc: "2.0",
    id: null,
    error: { code: -32600, message: "Invalid Request", data: "empty batch" },
  });
  t.is(replies[1]?.id, 1);
  t.deepEqual(replies[1]?.result, {});
});
