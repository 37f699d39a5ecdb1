/**
 * Market data against a real node: websocket book deltas applied to their snapshot equal
 * the book the orderbook module answers afterwards, with no gap in sequence numbers;
 * trades and fills arrive on their topics; candles and the tape are served by the CLI and
 * survive a restart of the node.
 */
import anyTest, { type TestFn } from "ava";
import WebSocket from "ws";
import { jsonRpcQuerier } from "../../chain/client/comet.js";
import { strikeQueries } from "../../chain/client/queries.js";
import { createQueryRpc } from "../../chain/client/queryRpc.js";
import type { BookLevel } from "../../chain/codec/generated/strike/orderbook/v1/query.js";
import { createTestNode, runCliOk, waitForHeight, type TestNode } from "../helpers/localNode.js";

const test = anyTest as TestFn<{ node: TestNode }>;

test.before(async (t) => {
  t.context.node = await createTestNode({
    accounts: ["mm", "alice", "feeder"],
    editGenesis: (doc, accounts) => {
      const oracle = (doc["app_state"] as Record<string, Record<string, unknown>>)["oracle"]!;
      oracle["feeders"] = [{ address: accounts["feeder"]!.address, weight: "1" }];
      // Nobody feeds prices here: keep the genesis prices fresh for the whole test.
      (oracle["params"] as Record<string, string>)["stale_after_seconds"] = "1000000";
    },
  });
});

test.after.always(async (t) => {
  await t.context.node?.destroy();
});

interface Pushed {
  id: number;
  result?: { topic?: string; seq?: string; bids?: [string, string][]; asks?: [string, string][]; snapshot?: unknown };
  error?: { message: string };
}

/** A websocket client that records every message, and answers calls by id. */
async function connect(rpcUrl: string) {
  const ws = new WebSocket(`${rpcUrl.replace("http", "ws")}/websocket`);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  const messages: Pushed[] = [];
  ws.on("message", (raw) => messages.push(JSON.parse(raw.toString()) as Pushed));
  let nextId = 100;
  async function call(method: string, params: Record<string, string>): Promise<Pushed> {
    const id = nextId++;
    const seen = messages.length;
    ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    for (let i = 0; i < 200; i++) {
      const reply = messages.slice(seen).find((m) => m.id === id);
      if (reply !== undefined) return reply;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no reply to ${method}`);
  }
  return { ws, messages, call };
}

async function moduleBook(rpcUrl: string): Promise<{ bids: [string, string][]; asks: [string, string][] }> {
  const orderbook = strikeQueries(createQueryRpc(jsonRpcQuerier(rpcUrl))).orderbook;
  const book = await orderbook.Book({ market: "ETH-PERP", levels: 500 });
  const level = (l: BookLevel): [string, string] => [l.price.toString(), l.size.toString()];
  return { bids: book.bids.map(level), asks: book.asks.map(level) };
}

function tx(node: TestNode, args: string[]): Promise<string> {
  return runCliOk(["tx", ...args, "--yes", "--output", "json", ...node.common]);
}

const place = (node: TestNode, from: string, side: string, size: string, price: string, tif = "gtc") =>
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
    price,
    "--tif",
    tif,
    "--from",
    from,
  ]);

test.serial(
  "book deltas applied to the snapshot equal the book queried afterwards, with no sequence gap",
  async (t) => {
    const { node } = t.context;
    const client = await connect(node.rpcUrl);
    try {
      const sub = await client.call("strike_subscribe", { topic: "book", market: "ETH-PERP" });
      const snapshot = (sub.result as { snapshot: { seq: string; bids: [string, string][]; asks: [string, string][] } })
        .snapshot;
      t.truthy(snapshot, JSON.stringify(sub));
      const tradesSub = await client.call("strike_subscribe", { topic: "trades", market: "ETH-PERP" });
      t.is(tradesSub.error, undefined);
      const alice = node.accounts["alice"]!.address;
      t.is((await client.call("strike_subscribe", { topic: "account", address: alice })).error, undefined);
      const bad = await client.call("strike_subscribe", { topic: "weather" });
      t.regex(bad.error?.message ?? "", /invalid params|topic/i);

      await tx(node, ["margin", "deposit", "100000000000uusdc", "--from", "mm"]);
      await tx(node, ["margin", "deposit", "5000000000uusdc", "--from", "alice"]);
      await place(node, "mm", "sell", "2", "3001.5", "post-only");
      await place(node, "mm", "sell", "1", "3003", "post-only");
      await place(node, "mm", "buy", "1", "2990", "post-only");
      await place(node, "alice", "buy", "1", "3002");
      await tx(node, ["trade", "cancel-all", "--market", "ETH-PERP", "--from", "mm"]);
      await place(node, "mm", "buy", "3", "2995", "post-only");

      const bookId = sub.id;
      let applied = { bids: new Map(snapshot.bids), asks: new Map(snapshot.asks) };
      let expected = await moduleBook(node.rpcUrl);
      const deadline = Date.now() + 20_000;
      const seqs: bigint[] = [BigInt(snapshot.seq)];
      for (;;) {
        applied = { bids: new Map(snapshot.bids), asks: new Map(snapshot.asks) };
        seqs.length = 1;
        for (const m of client.messages) {
          if (m.id !== bookId || m.result?.topic !== "book" || m.result.snapshot !== false) continue;
          seqs.push(BigInt(m.result.seq!));
          for (const [p, s] of m.result.bids!)
            if (s === "0") applied.bids.delete(p);
            else applied.bids.set(p, s);
          for (const [p, s] of m.result.asks!)
            if (s === "0") applied.asks.delete(p);
            else applied.asks.set(p, s);
        }
        expected = await moduleBook(node.rpcUrl);
        const same =
          JSON.stringify([...applied.bids].sort()) === JSON.stringify([...expected.bids].sort()) &&
          JSON.stringify([...applied.asks].sort()) === JSON.stringify([...expected.asks].sort());
        if (same || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      t.deepEqual([...applied.bids].sort(), [...expected.bids].sort());
      t.deepEqual([...applied.asks].sort(), [...expected.asks].sort());
      t.deepEqual(
        expected.bids,
        [["2995000000", "3000"]].map(([p]) => [p!, expected.bids[0]![1]]),
        "one bid left",
      );
      t.true(seqs.length >= 5, `deltas seen: ${seqs.length - 1}`);
      seqs.forEach((s, i) => t.is(s, seqs[0]! + BigInt(i), "sequence numbers have no gap"));

      const trades = client.messages.filter((m) => m.id === tradesSub.id && m.result?.topic === "trades");
      t.is(trades.length, 1, "one trade on the trades topic");
      const fills = client.messages.filter(
        (m) => m.result?.topic === "account" && (m.result as { kind?: string }).kind === "fill",
      );
      t.is(fills.length, 1, "alice's fill on her account topic");
      t.like((fills[0]!.result as { attributes: Record<string, string> }).attributes, {
        role: "taker",
        taker_fee: "1500750",
      });
      t.true(
        client.messages.some(
          (m) => m.result?.topic === "account" && (m.result as { kind?: string }).kind === "order_placed",
        ),
      );
    } finally {
      client.ws.close();
    }
  },
);

test.serial("candles and the tape come from the CLI and survive a node restart", async (t) => {
  const { node } = t.context;
  const candles = async () =>
    JSON.parse(
      await runCliOk([
        "query",
        "candles",
        "--market",
        "ETH-PERP",
        "--interval",
        "1m",
        "--output",
        "json",
        ...node.common,
      ]),
    ) as { candles: { open: string; close: string; volume: string; trades: number }[] };
  const before = await candles();
  t.is(before.candles.length, 1);
  t.like(before.candles[0], { open: "3001.5", close: "3001.5", volume: "1", trades: 1 });
  const tape = JSON.parse(
    await runCliOk(["query", "tape", "--market", "ETH-PERP", "--output", "json", ...node.common]),
  ) as { trades: { price: string; taker_side: string; maker_fee: string; taker_fee: string }[] };
  // The default fees on 3001.5 of notional: 0.02% for the maker, 0.05% for the taker.
  t.deepEqual(
    tape.trades.map((x) => [x.price, x.taker_side, x.maker_fee, x.taker_fee]),
    [["3001.5", "buy", "0.6003", "1.50075"]],
  );
  const text = await runCliOk(["query", "candles", "--market", "ETH-PERP", ...node.common]);
  t.regex(text, /OPEN TIME\s+OPEN\s+HIGH/);

  await node.kill("SIGTERM");
  await node.start();
  await waitForHeight(node.rpcUrl, 1n);
  t.deepEqual((await candles()).candles, before.candles);

  const refused = await runCliOk([
    "query",
    "candles",
    "--market",
    "ETH-PERP",
    "--interval",
    "2m",
    ...node.common,
  ]).catch((e: Error) => e.message);
  t.regex(refused, /interval 2m/);
});
