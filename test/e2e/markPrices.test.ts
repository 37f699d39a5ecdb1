/**
 * Marks against a real node: `strike query marks` answers every market's mark (a perpetual's
 * oracle price, an option series' model price), and a websocket client subscribed to the
 * prices topic receives `kind: "mark"` messages once a feeder moves a price — for the
 * perpetual and its option series — and none while no price moves.
 */
import anyTest, { type TestFn } from "ava";
import WebSocket from "ws";
import { decFromString } from "../../chain/types/fixed/index.js";
import { createTestNode, latestHeight, runCli, runCliOk, waitForHeight, type TestNode } from "../helpers/localNode.js";

const test = anyTest as TestFn<{ node: TestNode }>;

test.before(async (t) => {
  t.context.node = await createTestNode({
    accounts: ["feeder"],
    editGenesis: (doc, accounts) => {
      const oracle = (doc["app_state"] as Record<string, Record<string, unknown>>)["oracle"]!;
      oracle["feeders"] = [{ address: accounts["feeder"]!.address, weight: "1" }];
      // Only the test moves prices: keep the genesis prices fresh for the whole test.
      (oracle["params"] as Record<string, string>)["stale_after_seconds"] = "1000000";
    },
  });
});

test.after.always(async (t) => {
  await t.context.node?.destroy();
});

interface MarkJson {
  market: string;
  type: string;
  underlying: string;
  mark: string;
  spot: string;
  stale: boolean;
  settled: boolean;
}

async function queryMarks(node: TestNode, market?: string): Promise<{ height: string; marks: MarkJson[] }> {
  const args = ["query", "marks", ...(market === undefined ? [] : [market]), "--output", "json", ...node.common];
  return JSON.parse(await runCliOk(args)) as { height: string; marks: MarkJson[] };
}

interface Pushed {
  id?: number;
  result?: { topic?: string; kind?: string; height?: string; attributes?: Record<string, string> };
  error?: { message: string };
}

test.serial("strike query marks: a perpetual at its oracle price, every option series at a model price", async (t) => {
  const { node } = t.context;
  const all = await queryMarks(node);
  t.true(BigInt(all.height) >= 1n);
  t.like(
    all.marks.find((m) => m.market === "ETH-PERP"),
    { type: "perpetual", underlying: "ETH", mark: "3000", spot: "3000", stale: false },
  );
  const options = all.marks.filter((m) => m.type === "option");
  t.true(options.length > 0, "the default markets list option series");
  for (const o of options) {
    t.regex(o.mark, /^\d+(\.\d+)?$/, `${o.market} has a mark`);
    t.false(o.settled);
  }

  const one = await queryMarks(node, "BTC-PERP");
  t.deepEqual(
    one.marks.map((m) => [m.market, m.mark]),
    [["BTC-PERP", "60000"]],
  );
  const table = await runCliOk(["query", "marks", ...node.common]);
  t.regex(table, /^MARKET\s+TYPE\s+MARK\s+SPOT\s+STATUS$/m);
  t.regex(table, /^ETH-PERP\s+perpetual\s+3000\s+3000$/m);

  const unknown = await runCli(["query", "marks", "DOGE-PERP", "--output", "json", ...node.common]);
  t.is(unknown.code, 1);
  const error = (JSON.parse(unknown.stderr) as { error: { codespace: string; message: string } }).error;
  t.is(error.codespace, "cli");
  t.regex(error.message, /market DOGE-PERP not found/);
  const help = await runCliOk(["query", "marks", "--help"]);
  t.regex(help, /strike query marks ETH-PERP --output json/);
});

test.serial(
  "a feeder's new price reaches a prices subscriber as mark messages for the perpetual and its series",
  async (t) => {
    const { node } = t.context;
    const ws = new WebSocket(`${node.rpcUrl.replace("http", "ws")}/websocket`);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const messages: Pushed[] = [];
    ws.on("message", (raw) => messages.push(JSON.parse(raw.toString()) as Pushed));
    try {
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "strike_subscribe", params: { topic: "prices" } }));
      const marksSeen = () => messages.filter((m) => m.id === 1 && m.result?.kind === "mark").map((m) => m.result!);
      // No price moves for a few blocks: nothing to send.
      await waitForHeight(node.rpcUrl, (await latestHeight(node.rpcUrl)) + 5n);
      t.true(
        messages.some((m) => m.id === 1 && m.error === undefined && m.result?.topic === undefined),
        "subscribed",
      );
      t.deepEqual(marksSeen(), [], "no mark message while no price moves");

      const before = await queryMarks(node);
      await runCliOk([
        "tx",
        "oracle",
        "submit-prices",
        "ETH=3150",
        "--from",
        "feeder",
        "--yes",
        "--output",
        "json",
        ...node.common,
      ]);
      const ethMarkets = before.marks.filter((m) => m.underlying === "ETH").map((m) => m.market);
      const deadline = Date.now() + 30_000;
      while (
        Date.now() < deadline &&
        !ethMarkets.every((id) => marksSeen().some((m) => m.attributes?.["market"] === id))
      )
        await new Promise((r) => setTimeout(r, 100));
      const seen = marksSeen();
      const perp = seen.find((m) => m.attributes?.["market"] === "ETH-PERP");
      t.like(perp, {
        topic: "prices",
        kind: "mark",
        attributes: { market: "ETH-PERP", mark: "3150", spot: "3150", stale: "false" },
      });
      t.true(BigInt(perp?.height ?? "0") > BigInt(before.height));
      for (const id of ethMarkets)
        t.true(
          seen.some((m) => m.attributes?.["market"] === id),
          `a mark message for ${id}`,
        );
      t.false(
        seen.some((m) => m.attributes?.["market"]?.startsWith("BTC") === true),
        "BTC's price did not move: no BTC mark",
      );
      const call = before.marks.find((m) => m.underlying === "ETH" && m.type === "option" && m.market.endsWith("-C"))!;
      const callMessage = seen.find((m) => m.attributes?.["market"] === call.market)!;
      t.is(callMessage.attributes?.["spot"], "3150");
      t.true(
        decFromString(callMessage.attributes?.["mark"] ?? "0") > decFromString(call.mark),
        "a call's mark rises with its underlying",
      );
      t.true(
        messages.some(
          (m) =>
            m.result?.kind === "oracle" &&
            decFromString(m.result.attributes?.["price"] ?? "0") === decFromString("3150"),
        ),
        "the oracle price message still comes as before",
      );

      // The vote is re-counted for a few blocks at the same price: the marks are not sent again.
      const count = seen.filter((m) => m.attributes?.["market"] === "ETH-PERP").length;
      await waitForHeight(node.rpcUrl, (await latestHeight(node.rpcUrl)) + 5n);
      t.is(marksSeen().filter((m) => m.attributes?.["market"] === "ETH-PERP").length, count);
      t.is(count, 1);
    } finally {
      ws.close();
    }
  },
);
