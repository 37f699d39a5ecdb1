import test from "ava";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configPaths, defaultConfig, loadConfig, parseDuration, writeConfig } from "../../../chain/node/config.js";

function tempHome(): string {
  return mkdtempSync(join(tmpdir(), "strike-config-"));
}

test("defaults follow the chain's choices: 100ms commit timeout, 0.025ustrike gas price, custom pruning", (t) => {
  const c = defaultConfig("node0");
  t.is(c.moniker, "node0");
  t.is(c.consensus.timeoutCommitMs, 100);
  t.is(c.rpc.laddr, "tcp://127.0.0.1:26657");
  t.is(c.app.minimumGasPrices, "0.025ustrike");
  t.is(c.app.pruning, "custom");
  t.is(c.dbDir, "data/strike.db");
  t.is(c.consensus.walFile, "data/cs.wal");
});

test("a written config loads back equal", (t) => {
  const home = tempHome();
  const c = defaultConfig("node0");
  c.p2p.persistentPeers = ["abc@127.0.0.1:26656", "def@127.0.0.1:26666"];
  c.consensus.timeoutProposeMs = 1500;
  c.consensus.createEmptyBlocks = false;
  c.txIndex.indexer = "null";
  c.app.pruningKeepRecent = 7;
  writeConfig(home, c);
  t.deepEqual(loadConfig(home), c);
  rmSync(home, { recursive: true });
});

test("config.toml uses CometBFT's table and key names", (t) => {
  const home = tempHome();
  writeConfig(home, defaultConfig("node0"));
  const text = readFileSync(configPaths(home).configToml, "utf8");
  for (const line of [
    "[rpc]",
    'laddr = "tcp://127.0.0.1:26657"',
    "[consensus]",
    'timeout_commit = "100ms"',
    "create_empty_blocks = true",
    "[mempool]",
    "max_tx_bytes = ",
    "[tx_index]",
    'indexer = "kv"',
    "persistent_peers = ",
  ]) {
    t.true(text.includes(line), line);
  }
  t.true(readFileSync(configPaths(home).appToml, "utf8").includes('minimum-gas-prices = "0.025ustrike"'));
  rmSync(home, { recursive: true });
});

test("flags override the file, keyed by TOML name", (t) => {
  const home = tempHome();
  writeConfig(home, defaultConfig("node0"));
  const c = loadConfig(home, {
    "rpc.laddr": "tcp://127.0.0.1:36657",
    "consensus.timeout_commit": "1s",
    "p2p.persistent_peers": "a@h:1,b@h:2",
    "minimum-gas-prices": "0ustrike",
  });
  t.is(c.rpc.laddr, "tcp://127.0.0.1:36657");
  t.is(c.consensus.timeoutCommitMs, 1000);
  t.deepEqual(c.p2p.persistentPeers, ["a@h:1", "b@h:2"]);
  t.is(c.app.minimumGasPrices, "0ustrike");
  rmSync(home, { recursive: true });
});

test("missing keys keep their defaults and a missing app.toml is allowed", (t) => {
  const home = tempHome();
  writeConfig(home, defaultConfig("x"));
  writeFileSync(configPaths(home).configToml, 'moniker = "m"\n[consensus]\ntimeout_commit = "50ms"\n');
  rmSync(configPaths(home).appToml);
  const c = loadConfig(home);
  t.is(c.moniker, "m");
  t.is(c.consensus.timeoutCommitMs, 50);
  t.is(c.consensus.timeoutProposeMs, 3000);
  t.is(c.app.minimumGasPrices, "0.025ustrike");
  rmSync(home, { recursive: true });
});

test("a bad duration in the file names the field", (t) => {
  const home = tempHome();
  writeConfig(home, defaultConfig("x"));
  writeFileSync(configPaths(home).configToml, '[consensus]\ntimeout_commit = "fast"\n');
  const e = t.throws(() => loadConfig(home));
  t.regex(e.message, /consensus\.timeout_commit must be a duration/);
  rmSync(home, { recursive: true });
});

test("a bad flag value names the flag; an unknown flag is refused", (t) => {
  const home = tempHome();
  writeConfig(home, defaultConfig("x"));
  t.regex(
    t.throws(() => loadConfig(home, { "mempool.size": "-3" })).message,
    /--mempool\.size must be a non-negative integer/,
  );
  t.regex(t.throws(() => loadConfig(home, { "rpc.laddr": "localhost" })).message, /rpc\.laddr must look like tcp:\/\//);
  t.regex(t.throws(() => loadConfig(home, { "consensus.nope": "1" })).message, /unknown setting --consensus\.nope/);
  t.regex(
    t.throws(() => loadConfig(home, { "tx_index.indexer": "psql" })).message,
    /tx_index\.indexer must be one of kv, null/,
  );
  rmSync(home, { recursive: true });
});

test("rpc.receipt_wait defaults to 1.5 s, is written as a duration, and 0 (answer at once) and 10s are allowed", (t) => {
  const home = tempHome();
  t.is(defaultConfig("x").rpc.receiptWaitMs, 1_500);
  writeConfig(home, defaultConfig("x"));
  t.true(readFileSync(configPaths(home).configToml, "utf8").includes('receipt_wait = "1500ms"'));
  t.is(loadConfig(home).rpc.receiptWaitMs, 1_500);
  t.is(loadConfig(home, { "rpc.receipt_wait": "0" }).rpc.receiptWaitMs, 0);
  t.is(loadConfig(home, { "rpc.receipt_wait": "10s" }).rpc.receiptWaitMs, 10_000);
  writeFileSync(configPaths(home).configToml, '[rpc]\nreceipt_wait = "250ms"\n');
  t.is(loadConfig(home).rpc.receiptWaitMs, 250);
  rmSync(home, { recursive: true });
});

test("an rpc.receipt_wait past 10 s, or not a duration, is an error naming the file, the key and what is allowed", (t) => {
  const home = tempHome();
  writeConfig(home, defaultConfig("x"));
  const path = configPaths(home).configToml;
  writeFileSync(path, '[rpc]\nreceipt_wait = "11s"\n');
  const e = t.throws(() => loadConfig(home));
  t.true(e.message.includes(path), e.message);
  t.regex(e.message, /rpc\.receipt_wait must be a duration from 0s to 10s, got "11s"/);
  writeFileSync(path, "[rpc]\nreceipt_wait = 1500\n");
  t.regex(t.throws(() => loadConfig(home)).message, /config\.toml: rpc\.receipt_wait must be a duration like/);
  writeFileSync(path, "[rpc]\n");
  t.regex(
    t.throws(() => loadConfig(home, { "rpc.receipt_wait": "1m" })).message,
    /--rpc\.receipt_wait must be a duration from 0s to 10s, got "1m"/,
  );
  t.regex(
    t.throws(() => loadConfig(home, { "rpc.receipt_wait": "-1s" })).message,
    /--rpc\.receipt_wait must be a duration/,
  );
  // A config built in code is held to the same range before it is written.
  const c = defaultConfig("x");
  c.rpc.receiptWaitMs = 60_000;
  t.regex(
    t.throws(() => writeConfig(home, c)).message,
    /rpc\.receipt_wait must be a duration from 0s to 10s, got "60s"/,
  );
  rmSync(home, { recursive: true });
});

test("TOML syntax errors report the line", (t) => {
  const home = tempHome();
  writeConfig(home, defaultConfig("x"));
  writeFileSync(configPaths(home).configToml, 'moniker = "m"\n[rpc\nladdr = 1\n');
  t.regex(t.throws(() => loadConfig(home)).message, /config\.toml line 2/);
  rmSync(home, { recursive: true });
});

test("a missing config file is a clear error", (t) => {
  const home = tempHome();
  t.regex(t.throws(() => loadConfig(home)).message, /config\.toml: ENOENT/);
  rmSync(home, { recursive: true });
});

test("durations parse Go-style to whole milliseconds", (t) => {
  t.is(parseDuration("200ms"), 200);
  t.is(parseDuration("1s"), 1000);
  t.is(parseDuration("1.5s"), 1500);
  t.is(parseDuration("1m30s"), 90_000);
  t.is(parseDuration("0"), 0);
  t.is(parseDuration("0s"), 0);
  t.is(parseDuration("10"), undefined);
  t.is(parseDuration("1s junk"), undefined);
  t.is(parseDuration(""), undefined);
});

test("app.toml heap-growing-percent bounds the JavaScript heap's growth: 100 by default, 0 leaves it to V8, past 1000 is refused", (t) => {
  const home = tempHome();
  writeConfig(home, defaultConfig("x"));
  t.true(readFileSync(configPaths(home).appToml, "utf8").includes("heap-growing-percent = 100"));
  t.is(loadConfig(home).app.heapGrowingPercent, 100);
  t.is(loadConfig(home, { "heap-growing-percent": "0" }).app.heapGrowingPercent, 0);
  t.is(loadConfig(home, { "heap-growing-percent": "200" }).app.heapGrowingPercent, 200);
  t.regex(
    t.throws(() => loadConfig(home, { "heap-growing-percent": "1001" })).message,
    /--heap-growing-percent must be an integer from 0 to 1000, got "1001"/,
  );
  t.regex(
    t.throws(() => loadConfig(home, { "heap-growing-percent": "-1" })).message,
    /--heap-growing-percent must be a non-negative integer/,
  );
  rmSync(home, { recursive: true });
});

test("a duration longer than a timer can wait is refused, not turned into 1 ms", (t) => {
  const home = tempHome();
  writeConfig(home, defaultConfig("x"));
  t.regex(
    t.throws(() => loadConfig(home, { "consensus.timeout_commit": "600h" })).message,
    /--consensus\.timeout_commit must be a duration of at most 2147483647ms \(about 596h, the longest a timer waits\), got "600h"/,
  );
  writeFileSync(configPaths(home).configToml, '[rpc]\ntimeout_broadcast_tx_commit = "25000h"\n');
  t.regex(t.throws(() => loadConfig(home)).message, /rpc\.timeout_broadcast_tx_commit must be a duration of at most/);
  writeFileSync(configPaths(home).configToml, "");
  t.is(loadConfig(home, { "consensus.timeout_commit": "2147483647ms" }).consensus.timeoutCommitMs, 2 ** 31 - 1);
  t.is(loadConfig(home, { "consensus.timeout_commit": "596h" }).consensus.timeoutCommitMs, 596 * 3_600_000);
  rmSync(home, { recursive: true });
});
