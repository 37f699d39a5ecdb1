/**
 * Funding and the margin rules through the `strike` CLI against a real node: `strike query
 * funding` prints, while a market maker's quotes stand, the rate the next payment will pay,
 * then the rate paid with its height and time and the next payment's height; `strike query
 * margin params` prints every param with its unit; bad market names are refused clearly.
 */
import anyTest, { type TestFn } from "ava";
import { createTestNode, runCli, runCliOk, waitForHeight, type TestNode } from "../helpers/localNode.js";

const test = anyTest as TestFn<{ node: TestNode }>;

const INTERVAL = 20n;

test.before(async (t) => {
  t.context.node = await createTestNode({
    accounts: ["mm", "feeder"],
    startFlags: ["--consensus.timeout_commit", "100ms"],
    editGenesis: (doc, accounts) => {
      const appState = doc["app_state"] as Record<string, Record<string, unknown>>;
      const oracle = appState["oracle"]!;
      oracle["feeders"] = [{ address: accounts["feeder"]!.address, weight: "1" }];
      // Nobody feeds prices here: keep ETH's genesis price (3000) fresh for the whole test.
      (oracle["params"] as Record<string, string>)["stale_after_seconds"] = "1000000";
      (appState["margin"]!["params"] as Record<string, unknown>)["fundingIntervalBlocks"] = String(INTERVAL);
    },
  });
});

test.after.always(async (t) => {
  await t.context.node?.destroy();
});

interface LastPayment {
  height: string;
  time?: string;
  rate?: string;
  oracle_price?: string;
  paused?: string;
  unavailable?: string;
}

interface FundingJson {
  height: string;
  time: string;
  funding_interval_blocks: string;
  max_funding_rate: string;
  next_payment: { height: string; blocks_left: string; estimated_time: string } | null;
  markets: {
    market: string;
    oracle_price: string;
    stale: boolean;
    samples: string;
    average_premium: string;
    rate: string;
    book_premium: string;
    impact_bid: string;
    impact_ask: string;
    last_payment: LastPayment | null;
  }[];
}

async function funding(node: TestNode, market?: string): Promise<FundingJson> {
  const args = ["query", "funding", ...(market === undefined ? [] : [market]), "--output", "json", ...node.common];
  return JSON.parse(await runCliOk(args)) as FundingJson;
}

function tx(node: TestNode, args: string[]): Promise<string> {
  return runCliOk(["tx", ...args, "--yes", "--output", "json", ...node.common]);
}

/**
 * A funding query's answer read at a height inside an interval, not at one whose payment has
 * just reset the samples: `heightOf` finds the height in the answer.
 */
async function midInterval<T>(read: () => Promise<T>, heightOf: (r: T) => bigint): Promise<T> {
  for (;;) {
    const r = await read();
    if (heightOf(r) % INTERVAL !== 0n) return r;
  }
}
const fundingMidInterval = (node: TestNode) =>
  midInterval(
    () => funding(node, "ETH-PERP"),
    (r) => BigInt(r.height),
  );

const place = (side: string, price: string) =>
  ["trade", "place", "--market", "ETH-PERP", "--side", side, "--size", "5", "--price", price, "--from", "mm"] as const;

test.serial(
  "strike query funding: the rate a steady book will pay, then the rate paid, when, and the next payment",
  async (t) => {
    const { node } = t.context;
    const before = await funding(node);
    t.deepEqual(
      before.markets.map((m) => m.market),
      ["BTC-PERP", "ETH-PERP"],
    );
    t.like(before, { funding_interval_blocks: String(INTERVAL), max_funding_rate: "0.001" });
    t.like(before.markets[1], { oracle_price: "3000", stale: false, rate: "0", book_premium: "0", impact_bid: "" });

    // 5 ETH a side (about 15,000 USDC, more than the 10,000 USDC impact notional): a premium of
    // 3001.5 / 3000 − 1 = 0.0005, within the 0.001 cap.
    await tx(node, ["margin", "deposit", "100000000000uusdc", "--from", "mm"]);
    await tx(node, [...place("buy", "3001.5")]);
    await tx(node, [...place("sell", "3010")]);
    const quoted = await funding(node, "ETH-PERP");
    t.like(quoted.markets[0], { book_premium: "0.0005", impact_bid: "3001.5", impact_ask: "3010" });

    // From the next payment on, every sample is the steady book's.
    const steadyFrom = BigInt(quoted.next_payment!.height);
    await waitForHeight(node.rpcUrl, steadyFrom + 1n);
    const predicted = await fundingMidInterval(node);
    t.like(predicted.markets[0], { average_premium: "0.0005", rate: "0.0005" });
    const sinceLast = BigInt(predicted.height) % INTERVAL;
    t.is(predicted.markets[0]!.samples, String(sinceLast), "one sample a block since the last payment");
    t.is(predicted.next_payment!.height, String(BigInt(predicted.height) - sinceLast + INTERVAL));

    await waitForHeight(node.rpcUrl, steadyFrom + INTERVAL + 1n);
    const after = await fundingMidInterval(node);
    const last = after.markets[0]!.last_payment!;
    const lastHeight = BigInt(after.height) - (BigInt(after.height) % INTERVAL);
    t.like(last, { height: String(lastHeight), rate: predicted.markets[0]!.rate, oracle_price: "3000" });
    t.regex(last.time ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    t.true(Date.parse(last.time!) <= Date.parse(after.time) + 1000, "paid before now");
    const next = after.next_payment!;
    t.is(next.height, String(lastHeight + INTERVAL));
    t.is(next.blocks_left, String(lastHeight + INTERVAL - BigInt(after.height)));
    t.true(Date.parse(next.estimated_time) > Date.parse(after.time), `next payment ${next.estimated_time} is ahead`);

    // In text, as a trader reads it.
    const text = await midInterval(
      () => runCliOk(["query", "funding", ...node.common]),
      (out) => BigInt(/^funding at height (\d+)/.exec(out)?.[1] ?? "0"),
    );
    t.regex(text, /^next payment: height \d+, in \d+ blocks \(about \S+ at the recent block rate\)$/m, text);
    t.regex(text, /^last payment: height \d+ \(\S+\)$/m, text);
    t.regex(text, /^MARKET\s+ORACLE\s+SAMPLES\s+AVG PREMIUM\s+RATE NOW\s+RATE %\s+BOOK PREMIUM\s+LAST RATE$/m, text);
    t.regex(text, /^ETH-PERP\s+3000\s+\d+\s+0\.0005\s+0\.0005\s+0\.05%\s+0\.0005\s+0\.0005$/m, text);
    t.regex(text, /^BTC-PERP\s+60000\s+\d+\s+0\s+0\s+0\s+0$/m, text);
  },
);

test.serial(
  "strike query funding refuses an unknown market, an option market and a malformed name, naming the perpetuals",
  async (t) => {
    const { node } = t.context;
    const refused = async (market: string) => {
      const r = await runCli(["query", "funding", market, "--output", "json", ...node.common]);
      t.is(r.code, 1, r.stderr);
      t.is(r.stdout, "");
      return (JSON.parse(r.stderr) as { error: { code: number; codespace: string; message: string } }).error;
    };
    t.like(await refused("DOGE-PERP"), { codespace: "cli", code: 8 });
    t.regex(
      (await refused("DOGE-PERP")).message,
      /market DOGE-PERP not found; the perpetual markets are BTC-PERP, ETH-PERP/,
    );

    const markets = JSON.parse(await runCliOk(["query", "markets", "--output", "json", ...node.common])) as {
      markets: { id: string; type: string }[];
    };
    const option = markets.markets.find((m) => m.type === "option")!.id;
    const optionError = await refused(option);
    t.like(optionError, { codespace: "cli", code: 1 });
    t.regex(
      optionError.message,
      new RegExp(`${option} is an option market: options pay no funding; the perpetual markets are BTC-PERP, ETH-PERP`),
    );

    const malformed = await refused("eth perp");
    t.like(malformed, { codespace: "cli", code: 1 });
    t.regex(malformed.message, /"eth perp" is not a market id: upper-case letters, digits and dashes, e.g\. ETH-PERP/);

    const help = await runCliOk(["query", "funding", "--help"]);
    for (const field of ["samples", "average_premium", "rate", "book_premium", "next_payment", "last_payment"])
      t.regex(help, new RegExp(`^ {2}${field}\\b`, "m"), `--help explains ${field}`);
    t.regex(help, /strike query funding ETH-PERP --output json/);
  },
);

test.serial(
  "strike query margin params: every param with its unit and meaning, and genesis names in JSON",
  async (t) => {
    const { node } = t.context;
    const json = JSON.parse(
      await runCliOk(["query", "margin", "params", "--output", "json", ...node.common]),
    ) as Record<string, string>;
    t.deepEqual(json, {
      funding_interval_blocks: String(INTERVAL),
      max_funding_rate: "0.001",
      funding_impact_notional: "10000000000",
      liquidation_penalty: "0.01",
      option_otm_factor: "0.2",
      option_min_factor: "0.1",
      option_maintenance_ratio: "0.8",
      option_portfolio_short_minimum: "0.01",
      settlement_twap_blocks: "30",
    });
    const text = await runCliOk(["query", "margin", "params", ...node.common]);
    t.regex(text, /^funding_interval_blocks: 20 blocks$/m);
    t.regex(text, /^max_funding_rate: 0\.001 \(0\.1%\) of the notional per interval$/m);
    t.regex(text, /^funding_impact_notional: 10000 USDC \(10000000000 uusdc\)$/m);
    t.regex(text, /^liquidation_penalty: 0\.01 \(1%\) of the liquidated notional$/m);
    // Every param, each followed by what it does.
    t.is(text.trim().split("\n").length, 2 * Object.keys(json).length, text);
  },
);
