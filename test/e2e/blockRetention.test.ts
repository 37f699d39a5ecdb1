/**
 * A real node started with `--min-retain-blocks` (app.toml `min-retain-blocks`) on a chain
 * whose evidence max age is 5 blocks: heights older than the kept window go from the block
 * store, the tx index and the trade tape (candles stay), the RPC says which heights it still
 * has, the state is untouched, and the base survives a restart.
 */
import test from "ava";
import { createTestNode, rpc, runCli, runCliOk, waitForHeight } from "../helpers/localNode.js";

const KEEP = 10n;

interface Status {
  sync_info: { latest_block_height: string; earliest_block_height: string };
}

/** JSON-RPC's POST form takes the hash as base64 (CometBFT's). */
const b64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");

async function rpcError(url: string, method: string, params: Record<string, unknown>): Promise<string> {
  try {
    await rpc(url, method, params);
  } catch (e) {
    return String(e);
  }
  return "no error";
}

test("a node keeps the last min-retain-blocks heights: older blocks and their txs are gone and said to be, the state is not", async (t) => {
  const node = await createTestNode({
    accounts: ["alice", "bob", "carol"],
    startFlags: ["--min-retain-blocks", String(KEEP), "--consensus.timeout_commit", "50ms"],
    editGenesis: (g) => {
      const params = g["consensus_params"] as { evidence: { max_age_num_blocks: string } };
      params.evidence.max_age_num_blocks = "5";
      // Nobody feeds prices here: keep the genesis prices fresh for the whole test.
      const oracle = (g["app_state"] as Record<string, Record<string, Record<string, string>>>)["oracle"]!;
      oracle["params"]!["stale_after_seconds"] = "1000000";
    },
  });
  t.teardown(() => node.destroy());
  const bob = node.accounts.bob!.address;
  const send = async () =>
    JSON.parse(
      await runCliOk([
        "tx",
        "bank",
        "send",
        "alice",
        bob,
        "1000uusdc",
        "--fees",
        "5000ustrike",
        "--yes",
        "--output",
        "json",
        ...node.common,
      ]),
    ) as { txhash: string; code: number; height: string };
  const tx = async (args: string[]) =>
    JSON.parse(await runCliOk(["tx", ...args, "--yes", "--output", "json", ...node.common])) as {
      code: number;
      height: string | number;
    };
  const place = (from: string, side: string, price: string, tif: string) =>
    tx([
      "trade",
      "place",
      "--market",
      "ETH-PERP",
      "--side",
      side,
      "--size",
      "1",
      "--price",
      price,
      "--tif",
      tif,
      "--from",
      from,
    ]);
  // Read at once after the trade's commit (a CLI process takes ~150 ms of the ~500 ms a height is kept); prices in the market's integer units.
  const tape = async () =>
    (await rpc<{ trades: { price: string; height: string }[] }>(node.rpcUrl, "strike_trades", { market: "ETH-PERP" }))
      .trades;
  const candles = async () =>
    (
      JSON.parse(
        await runCliOk([
          "query",
          "candles",
          "--market",
          "ETH-PERP",
          "--interval",
          "1d",
          "--output",
          "json",
          ...node.common,
        ]),
      ) as { candles: { volume: string; trades: number }[] }
    ).candles;
  for (const who of ["alice", "carol"])
    t.is((await tx(["margin", "deposit", "10000000000uusdc", "--from", who])).code, 0);
  t.is((await place("carol", "sell", "3001", "post-only")).code, 0);
  const earlyTrade = await place("alice", "buy", "3001", "ioc");
  t.is(earlyTrade.code, 0);
  t.deepEqual(
    (await tape()).map((x) => [x.price, x.height]),
    [["3001000000", String(earlyTrade.height)]],
  );

  const early = await send();
  t.is(early.code, 0);
  const earlyHeight = BigInt(early.height);
  t.is((await rpc<{ hash: string }>(node.rpcUrl, "tx", { hash: b64(early.txhash) })).hash, early.txhash);

  // Past the kept window: the block of the early tx is below the base.
  await waitForHeight(node.rpcUrl, earlyHeight + KEEP + 5n, 60_000);
  const late = await send();
  t.is(late.code, 0);
  let status = await rpc<Status>(node.rpcUrl, "status");
  const until = Date.now() + 10_000;
  while (BigInt(status.sync_info.earliest_block_height) <= earlyHeight && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    status = await rpc<Status>(node.rpcUrl, "status");
  }
  const base = BigInt(status.sync_info.earliest_block_height);
  const latest = BigInt(status.sync_info.latest_block_height);
  t.true(base > earlyHeight, `base ${base} above the early tx's height ${earlyHeight}`);
  // The window kept: min-retain-blocks below the last commit (pruning trails the commits by a few on a busy machine).
  t.true(latest - base <= KEEP + 10n && latest - base >= KEEP, `kept ${base}..${latest}`);

  t.regex(
    await rpcError(node.rpcUrl, "block", { height: "1" }),
    new RegExp(`height 1 is not available, lowest height is \\d+`),
  );
  t.regex(await rpcError(node.rpcUrl, "block_results", { height: String(earlyHeight) }), /lowest height is/);
  t.regex(await rpcError(node.rpcUrl, "tx", { hash: b64(early.txhash) }), /not found/i);
  const search = await rpc<{ total_count: string }>(node.rpcUrl, "tx_search", { query: `tx.height=${earlyHeight}` });
  t.is(search.total_count, "0");
  // What is kept answers as before.
  t.is((await rpc<{ hash: string }>(node.rpcUrl, "tx", { hash: b64(late.txhash) })).hash, late.txhash);
  // The latest height read with the base: still kept for the next KEEP heights (the base moves on with every block).
  const blk = await rpc<{ block: { header: { height: string } } }>(node.rpcUrl, "block", { height: String(latest) });
  t.is(blk.block.header.height, String(latest));
  // The state is not the block store: both sends are in bob's balance.
  const q = await runCli(["query", "bank", "balances", bob, ...node.common, "--output", "json"]);
  t.is(q.code, 0);
  t.regex(q.stdout, /"1000000002000"/);
  // The early trade left the tape with its block; a trade since is on it; the day's candle counts both.
  t.is((await place("carol", "sell", "3002", "post-only")).code, 0);
  const lateTrade = await place("alice", "buy", "3002", "ioc");
  t.is(lateTrade.code, 0);
  t.deepEqual(
    (await tape()).map((x) => [x.price, x.height]),
    [["3002000000", String(lateTrade.height)]],
  );
  // (Summed: the two trades may fall either side of midnight.)
  const day = await candles();
  t.deepEqual([day.reduce((n, c) => n + Number(c.volume), 0), day.reduce((n, c) => n + c.trades, 0)], [2, 2]);

  // A restart keeps the base and the chain goes on.
  await node.kill("SIGTERM");
  await node.start();
  const again = await rpc<Status>(node.rpcUrl, "status");
  t.true(BigInt(again.sync_info.earliest_block_height) >= base);
  await waitForHeight(node.rpcUrl, BigInt(again.sync_info.latest_block_height) + 3n, 30_000);
  t.regex(await rpcError(node.rpcUrl, "block", { height: String(earlyHeight) }), /lowest height is/);
});
