/**
 * The oracle against a real node: a feeder's `strike tx oracle submit-prices` moves the
 * price, a non-feeder is refused with the oracle's code, and `strike feeder` keeps
 * prices moving until it is stopped.
 */
import anyTest, { type TestFn } from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePorts, latestHeight, runCli, runCliOk, waitForHeight } from "../helpers/localNode.js";

const repo = resolve(import.meta.dirname, "../..");
const bin = join(repo, "bin/strike.js");
const CHAIN_ID = "strike-e2e-oracle-1";
const STALE_AFTER_SECONDS = "20";

interface Ctx {
  home: string;
  rpcUrl: string;
  common: string[];
  feeder: string;
  node: ChildProcess;
  logs: () => string;
}
const test = anyTest as TestFn<Ctx>;

interface PriceJson {
  asset: string;
  price: string;
  height: string;
  stale: boolean;
}

/**
 * A one-validator node whose genesis lists `feeder` as the only oracle feeder. Built here
 * rather than with createTestNode because the feeder must be in genesis before the start.
 */
test.before(async (t) => {
  const home = await mkdtemp(join(tmpdir(), "strike-e2e-oracle-"));
  const [rpcPort, p2pPort] = (await freePorts(2)) as [number, number];
  const keyring = ["--home", home, "--keyring-backend", "test"];
  await runCliOk(["init", "--home", home, "--chain-id", CHAIN_ID, "--moniker", "oracle"]);
  const addresses: Record<string, string> = {};
  for (const name of ["feeder", "alice"]) {
    const out = JSON.parse(await runCliOk(["keys", "add", name, ...keyring, "--output", "json"])) as {
      address: string;
    };
    addresses[name] = out.address;
    await runCliOk(["genesis", "add-account", out.address, "1000000000000ustrike,1000000000000uusdc", "--home", home]);
  }
  await runCliOk(["genesis", "add-oracle-feeder", "feeder", "--weight", "2", ...keyring]);
  // Blocks are ~100 ms apart: give a price 100 blocks before it is stale, so a few CLI runs fit in.
  const genesisPath = join(home, "config", "genesis.json");
  const genesis = JSON.parse(await readFile(genesisPath, "utf8")) as { app_state: { oracle: { params: object } } };
  genesis.app_state.oracle.params = { ...genesis.app_state.oracle.params, stale_after_seconds: STALE_AFTER_SECONDS };
  await writeFile(genesisPath, JSON.stringify(genesis, null, 2));
  await runCliOk(["genesis", "validate", "--home", home]);

  let log = "";
  const node = spawn(
    process.execPath,
    [
      bin,
      "start",
      "--home",
      home,
      "--rpc.laddr",
      `tcp://127.0.0.1:${rpcPort}`,
      "--p2p.laddr",
      `tcp://127.0.0.1:${p2pPort}`,
      // This chain's oracle is permissioned (the genesis lists `feeder`): the validator does not feed.
      "--oracle-feeder.enable",
      "false",
    ],
    { cwd: repo, stdio: ["ignore", "pipe", "pipe"] },
  );
  node.stdout.on("data", (d: Buffer) => (log += d.toString()));
  node.stderr.on("data", (d: Buffer) => (log += d.toString()));
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  t.context = {
    home,
    rpcUrl,
    common: [...keyring, "--node", `tcp://127.0.0.1:${rpcPort}`, "--chain-id", CHAIN_ID],
    feeder: addresses.feeder!,
    node,
    logs: () => log,
  };
  await waitForHeight(
    rpcUrl,
    1n,
    60_000,
    () => node.exitCode,
    () => log,
  );
});

test.after.always(async (t) => {
  const { node, home } = t.context;
  if (node !== undefined && node.exitCode === null && node.signalCode === null) {
    const exited = new Promise<void>((r) => node.once("exit", () => r()));
    node.kill("SIGKILL");
    await exited;
  }
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

async function price(t: { context: Ctx }, asset: string): Promise<PriceJson> {
  return JSON.parse(await runCliOk(["query", "oracle", asset, ...t.context.common, "--output", "json"])) as PriceJson;
}

function submit(t: { context: Ctx }, from: string, prices: string): ReturnType<typeof runCli> {
  return runCli([
    "tx",
    "oracle",
    "submit-prices",
    prices,
    "--from",
    from,
    "--fees",
    "5000ustrike",
    "--yes",
    "--output",
    "json",
    ...t.context.common,
  ]);
}

test.serial("a fresh chain answers with its genesis prices, and the feeder is listed", async (t) => {
  const eth = await price(t, "ETH");
  t.is(eth.price, "3000");
  t.is(eth.height, "1");
  const feeders = JSON.parse(
    await runCliOk(["query", "oracle", "feeders", ...t.context.common, "--output", "json"]),
  ) as { feeders: { address: string; weight: string }[]; total_weight: string };
  t.deepEqual(feeders.feeders, [{ address: t.context.feeder, weight: "2" }]);
});

test.serial("the feeder's submit-prices moves the price shown by query oracle", async (t) => {
  const r = await submit(t, "feeder", "ETH=3001.5,BTC=65000");
  t.is(r.code, 0, r.stderr);
  const tx = JSON.parse(r.stdout) as { code: number; height: number };
  t.is(tx.code, 0);
  const eth = await price(t, "ETH");
  t.is(eth.price, "3001.5");
  // Set in the tx's block, and re-stamped while the vote is young enough to count.
  t.true(BigInt(eth.height) >= BigInt(tx.height));
  t.false(eth.stale);
  t.is((await price(t, "BTC")).price, "65000");

  const table = await runCliOk(["query", "oracle", ...t.context.common]);
  t.regex(table, /^ASSET\s+PRICE\s+HEIGHT\s+TIME\s+STATUS$/m);
  // Freshness was asserted above; by this third CLI run a loaded machine may have aged it out.
  t.regex(table, /^BTC\s+65000\s+\d+\s+\S+\s+(fresh|STALE)$/m);
  t.regex(table, /^ETH\s+3001\.5\s+\d+\s+\S+\s+(fresh|STALE)$/m);
});

test.serial("without fresh votes a price turns stale after stale_after_seconds, keeping its value", async (t) => {
  const params = JSON.parse(await runCliOk(["query", "oracle", "params", ...t.context.common, "--output", "json"])) as {
    stale_after_seconds: string;
    max_vote_age_blocks: string;
  };
  // Let the last votes age out so the price stops being re-stamped.
  const voted = await price(t, "ETH");
  await waitForHeight(t.context.rpcUrl, BigInt(voted.height) + BigInt(params.max_vote_age_blocks) + 2n);
  const last = await price(t, "ETH");
  // Block time follows the proposer's clock: wait that many seconds, then a block more.
  await new Promise((r) => setTimeout(r, (Number(params.stale_after_seconds) + 1) * 1000));
  await waitForHeight(t.context.rpcUrl, (await latestHeight(t.context.rpcUrl)) + 1n, 30_000);
  const now = await price(t, "ETH");
  t.true(now.stale);
  t.is(now.price, last.price);
  t.is(now.height, last.height);

  // The chain takes only reduce-only orders on a stale price, and would refuse this one in its
  // block after charging the fee: the CLI says why and sends nothing.
  const alice = (await runCliOk(["keys", "show", "alice", "-a", ...t.context.common])).trim();
  const account = async () => runCliOk(["query", "auth", "account", alice, ...t.context.common, "--output", "json"]);
  const before = await account();
  const order = ["tx", "trade", "place", "--market", "ETH-PERP", "--side", "buy", "--size", "1", "--price", "3000"];
  const r = await runCli([...order, "--from", "alice", "--yes", ...t.context.common]);
  t.is(r.code, 1);
  t.regex(r.stderr, /the ETH oracle price is stale \(last at height \d+\): ETH-PERP takes only reduce-only orders/);
  t.regex(r.stderr, /nothing was sent/);
  await waitForHeight(t.context.rpcUrl, (await latestHeight(t.context.rpcUrl)) + 2n, 30_000);
  t.is(await account(), before, "no tx from alice: sequence unchanged");
});

test.serial("a non-feeder's submission fails in the block with the oracle's code and moves nothing", async (t) => {
  const before = await price(t, "ETH");
  const r = await submit(t, "alice", "ETH=1");
  t.is(r.code, 1);
  t.regex(r.stderr, /code 4, codespace oracle: .*not an oracle feeder/);
  t.notRegex(r.stderr, / {4}at /, "no stack trace");
  t.is((await price(t, "ETH")).price, before.price);
});

test.serial("a malformed price is refused before anything is signed", async (t) => {
  const r = await submit(t, "feeder", "ETH=-5");
  t.is(r.code, 1);
  t.regex(r.stderr, /invalid price/);
  const unknown = await runCli(["query", "oracle", "DOGE", ...t.context.common]);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /unknown asset/);
});

test.serial("the feeder process with the simulated source keeps the prices moving until stopped", async (t) => {
  const start = await price(t, "ETH");
  const args = [
    bin,
    "feeder",
    "--from",
    "feeder",
    "--assets",
    "ETH,BTC",
    "--source",
    "sim",
    "--interval",
    "300ms",
    "--seed",
    "42",
    "--fees",
    "5000ustrike",
    ...t.context.common,
  ];
  const child = spawn(process.execPath, args, { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const submitted = () => out.split("\n").filter((l) => / submitted ETH=/.test(l));

  const deadline = Date.now() + 30_000;
  while (submitted().length < 4 && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 100));
  child.kill("SIGTERM");
  const code = await exited;
  t.is(code, 0, `stdout:\n${out}\nstderr:\n${err}`);
  t.true(submitted().length >= 4, out);
  t.regex(err, /feeder stopped after \d+ rounds/);

  // Once the last vote is in a block, the chain's price is the feeder's last ETH price.
  const lastEth = /ETH=(\S+)/.exec(submitted().at(-1)!)![1]!;
  await waitForHeight(t.context.rpcUrl, (await latestHeight(t.context.rpcUrl)) + 2n);
  const end = await price(t, "ETH");
  t.is(end.price, lastEth);
  t.not(end.price, start.price);
  t.true(BigInt(end.height) > BigInt(start.height));
});
