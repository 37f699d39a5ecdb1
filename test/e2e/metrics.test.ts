/**
 * Prometheus metrics on CometBFT's [instrumentation] settings: a real node started by the
 * CLI with `--instrumentation.prometheus true`, scraped over HTTP while two traders trade.
 * Height, orders and fills rise between scrapes; CometBFT's metric names are there; a bad
 * address refuses to start with a message that names the setting.
 */
import test from "ava";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestNode, freePort, runCli, runCliOk } from "../helpers/localNode.js";

/** Prometheus text format → "name{labels}" → value (comments dropped). */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return parse(await res.text());
}

test("a scrape of /metrics shows height, orders and fills rising while traders trade", async (t) => {
  t.timeout(600_000);
  const port = await freePort();
  const node = await createTestNode({
    accounts: ["mm", "taker"],
    feeder: true,
    startFlags: [
      "--instrumentation.prometheus",
      "true",
      "--instrumentation.prometheus_listen_addr",
      `127.0.0.1:${port}`,
    ],
  });
  const url = `http://127.0.0.1:${port}/metrics`;
  try {
    const before = await scrape(url);
    t.true((before.get("cometbft_consensus_height") ?? 0) >= 1);
    t.is(before.get('strike_orders_placed_total{market="ETH-PERP"}'), undefined, "no order yet");
    for (const name of [
      "cometbft_consensus_rounds",
      "cometbft_mempool_size",
      "cometbft_p2p_peers",
      "cometbft_consensus_validators",
      "process_resident_memory_bytes",
    ]) {
      t.true(before.has(name), `${name} is exported`);
    }
    t.is(before.get("cometbft_consensus_validators"), 1);

    for (const who of ["mm", "taker"]) {
      await runCliOk(["tx", "margin", "deposit", "100000000000uusdc", "--from", who, "--yes", ...node.common]);
    }
    const eth = JSON.parse(await runCliOk(["query", "oracle", "ETH", "--output", "json", ...node.common])) as {
      price: string;
    };
    const price = String(Math.floor(Number(eth.price)));
    const order = (from: string, side: string, tif: string) =>
      runCliOk([
        "tx",
        "trade",
        "place",
        "--market",
        "ETH-PERP",
        "--side",
        side,
        "--size",
        "0.5",
        "--price",
        price,
        "--tif",
        tif,
        "--from",
        from,
        "--yes",
        ...node.common,
      ]);
    await order("mm", "buy", "post-only");
    await order("taker", "sell", "ioc");

    const after = await scrape(url);
    t.true(after.get("cometbft_consensus_height")! > before.get("cometbft_consensus_height")!, "height rose");
    t.true(after.get("cometbft_consensus_total_txs")! >= 4, "deposits and orders counted as txs");
    t.is(after.get('strike_orders_placed_total{market="ETH-PERP"}'), 2);
    t.is(after.get('strike_fills_total{market="ETH-PERP"}'), 1);
    t.true((after.get('strike_txs_total{result="ok"}') ?? 0) >= 4);
    const age = after.get('strike_oracle_price_age_seconds{asset="ETH"}');
    t.true(age !== undefined && age >= 0 && age < 60, `ETH's oracle age is ${age}`);
    t.true(
      (after.get('strike_sequencer_receipt_seconds_count{result="receipt"}') ?? 0) >= 4,
      "the lone node sequences",
    );
    t.true((after.get("strike_tx_execution_seconds_count") ?? 0) >= 4);
    // The lone node proposes every block it sequenced: finalize takes them from its speculative execution.
    const reused = after.get('strike_block_execution_reuse_total{step="finalize",result="reused"}') ?? 0;
    t.true(reused >= 4, `blocks finalized from the speculative execution: ${reused}`);
    // Every tx's signature was checked before CheckTx, in a worker or (a lone tx, the pool idle) inline.
    const verified = ["worker", "inline", "main_thread"].map(
      (where) => after.get(`strike_signature_verifications_total{where="${where}"}`) ?? 0,
    );
    t.true(verified[0]! + verified[1]! >= 4, `signatures verified before CheckTx: ${verified.join(", ")}`);
    t.is(verified[2], 0, "no worker failed, so none fell back to the event loop");
    t.is(after.get("strike_signature_verifier_restarts_total"), 0);
    // RocksDB's share of the node's memory: the blocks written so far sit in its memtable (64 MiB, not yet flushed).
    t.true((after.get('strike_db_memory_bytes{kind="memtables"}') ?? 0) > 0, "blocks written to the memtable");
    for (const name of [
      'strike_db_memory_bytes{kind="table_readers"}',
      'strike_db_memory_bytes{kind="block_cache"}',
      "strike_db_sst_file_bytes",
      // Txs the mempool held over a commit (none may have been: each CLI tx waits for its block).
      'strike_mempool_rechecks_total{result="replayed"}',
      'strike_mempool_rechecks_total{result="executed"}',
    ])
      t.true((after.get(name) ?? -1) >= 0, `${name} is exported`);

    const other = await fetch(`http://127.0.0.1:${port}/`);
    t.is(other.status, 404);
  } finally {
    await node.destroy();
  }
});

test("a metrics address that is not host:port refuses to start and names the setting", async (t) => {
  t.timeout(120_000);
  const home = await mkdtemp(join(tmpdir(), "strike-metrics-"));
  try {
    await runCliOk(["init", "--home", home, "--chain-id", "strike-metrics-1", "--moniker", "m"]);
    const r = await runCli([
      "start",
      "--home",
      home,
      "--instrumentation.prometheus",
      "true",
      "--instrumentation.prometheus_listen_addr",
      "localhost",
    ]);
    t.not(r.code, 0);
    t.regex(r.stderr + r.stdout, /prometheus_listen_addr "localhost" is not host:port/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
