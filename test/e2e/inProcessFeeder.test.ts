/**
 * A lone node made by `strike init` and run by `strike start` feeds its own oracle: the
 * validator's feeder runs inside the node, signs with the key in its home, and its votes
 * weigh the validator's stake. Prices stay fresh while traders place orders for two
 * minutes, with staleness set to 10 s of block time (so a node without a feeder would
 * refuse orders within seconds).
 */
import test from "ava";
import { createTestNode, runCli, runCliOk } from "../helpers/localNode.js";

const STALE_AFTER_SECONDS = 10;
const TRADING_MS = 120_000;

interface OraclePrice {
  asset: string;
  price: string;
  height: string;
  stale: boolean;
}

test("a lone node started by the CLI keeps its oracle fresh through two minutes of trading", async (t) => {
  // Setup runs five CLI processes before the two minutes; a loaded machine needs the headroom.
  t.timeout(600_000);
  const node = await createTestNode({
    accounts: ["mm"],
    feeder: true,
    editGenesis: (doc) => {
      const oracle = (doc["app_state"] as Record<string, Record<string, Record<string, string>>>)["oracle"]!;
      oracle["params"]!["stale_after_seconds"] = String(STALE_AFTER_SECONDS);
    },
  });
  try {
    const query = async <T>(args: string[]): Promise<T> =>
      JSON.parse(await runCliOk(["query", ...args, "--output", "json", ...node.common])) as T;
    await runCliOk(["tx", "margin", "deposit", "100000000000uusdc", "--from", "mm", "--yes", ...node.common]);

    const first = await query<OraclePrice>(["oracle", "ETH"]);
    const seenPrices = new Set<string>([first.price]);
    const started = Date.now();
    let orders = 0;
    while (Date.now() - started < TRADING_MS) {
      const eth = await query<OraclePrice>(["oracle", "ETH"]);
      t.false(eth.stale, `ETH went stale at height ${eth.height}`);
      seenPrices.add(eth.price);
      // A resting bid 5% under the oracle: accepted only while the price is fresh.
      const bid = Math.floor(Number(eth.price) * 0.95);
      const r = await runCli([
        "tx",
        "trade",
        "place",
        "--market",
        "ETH-PERP",
        "--side",
        "buy",
        "--size",
        "0.1",
        "--price",
        String(bid),
        "--tif",
        "post-only",
        "--from",
        "mm",
        "--yes",
        "--output",
        "json",
        ...node.common,
      ]);
      t.is(r.code, 0, `order ${orders + 1} refused: ${r.stderr}`);
      orders++;
    }
    const last = await query<OraclePrice>(["oracle", "ETH"]);
    t.false(last.stale);
    t.true(BigInt(last.height) > BigInt(first.height), "the price was re-set by votes during the run");
    t.not(last.price, first.price, "the simulated source moved the price");
    // Each CLI run takes seconds on a loaded machine: the loop's count varies, the freshness checks above do not.
    t.true(orders >= 3, `only ${orders} orders placed`);
    t.log(`${orders} orders in ${TRADING_MS / 1000} s; ${seenPrices.size} distinct ETH prices`);
  } finally {
    await node.destroy();
  }
});
