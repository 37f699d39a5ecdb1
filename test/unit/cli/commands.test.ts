import test from "ava";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocketServer } from "ws";
import { loadConfig } from "../../../chain/node/config.js";
import { loadGenesis } from "../../../genesis/genesis.js";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, as a user would. */
function strike(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["bin/strike.js", ...args],
      { env: { ...process.env, ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : 1, stdout, stderr });
      },
    );
  });
}

const ADDR = "strike1qy352euf40x77qfrg4ncn27dauqjx3t8ztnahv";

test("init + genesis add-account (by address and by key name) produce a valid genesis", async (t) => {
  const home = mkdtempSync(join(tmpdir(), "strike-cli-"));
  const init = await strike([
    "init",
    "--home",
    home,
    "--chain-id",
    "strike-test-7",
    "--moniker",
    "n0",
    "--output",
    "json",
  ]);
  t.is(init.code, 0, init.stderr);
  const info = JSON.parse(init.stdout) as {
    chain_id: string;
    validator_address: string;
    node_id: string;
    operator_and_feeder: string;
  };
  t.is(info.chain_id, "strike-test-7");
  for (const f of [
    "config/config.toml",
    "config/app.toml",
    "config/genesis.json",
    "config/node_key.json",
    "config/priv_validator_key.json",
    "data/priv_validator_state.json",
  ]) {
    t.true(existsSync(join(home, f)), f);
  }
  t.is(loadConfig(home).moniker, "n0");

  const key = await strike(["keys", "add", "alice", "--home", home, "--keyring-backend", "test", "--output", "json"]);
  t.is(key.code, 0, key.stderr);
  const alice = JSON.parse(key.stdout) as { address: string; mnemonic: string };
  t.is(alice.mnemonic.split(" ").length, 24);

  t.is((await strike(["genesis", "add-account", ADDR, "1000ustrike,1000uusdc", "--home", home])).code, 0);
  t.is(
    (await strike(["genesis", "add-account", "alice", "5ustrike", "--home", home, "--keyring-backend", "test"])).code,
    0,
  );
  t.is((await strike(["genesis", "add-account", ADDR, "1ustrike", "--home", home])).code, 0);

  const doc = loadGenesis(join(home, "config/genesis.json"));
  t.is(doc.chain_id, "strike-test-7");
  t.is(doc.validators[0]!.address, info.validator_address);
  t.is(doc.validators[0]!.power, "10");
  t.deepEqual(
    doc.app_state.auth.accounts.map((a) => a.address),
    // init's validator is bonded with the home's feeder key as operator, funded for its votes.
    [ADDR, alice.address, info.operator_and_feeder].sort(),
  );
  t.deepEqual(doc.app_state.bank.balances.find((b) => b.address === ADDR)!.coins, [
    { denom: "ustrike", amount: "1001" },
    { denom: "uusdc", amount: "1000" },
  ]);
  t.deepEqual(doc.app_state.bank.supply, [
    // 1006 to the accounts, 10,000 STRIKE to the feeder, 10 STRIKE bonded.
    { denom: "ustrike", amount: "10010001006" },
    { denom: "uusdc", amount: "1000" },
  ]);
  const pv = JSON.parse(readFileSync(join(home, "config/priv_validator_key.json"), "utf8")) as {
    pub_key: { value: string };
  };
  t.is(doc.validators[0]!.pub_key.value, pv.pub_key.value);

  const again = await strike(["init", "--home", home, "--moniker", "n0"]);
  t.is(again.code, 1);
  t.regex(again.stderr, /genesis\.json exists; pass --overwrite/);
  t.is((await strike(["init", "--home", home, "--moniker", "n0", "--overwrite"])).code, 0);
  // The validator key survives a re-init.
  t.is(loadGenesis(join(home, "config/genesis.json")).validators[0]!.address, info.validator_address);
  rmSync(home, { recursive: true });
});

test("keys add/show/list/delete through the CLI, with show -a printing only the address", async (t) => {
  const home = mkdtempSync(join(tmpdir(), "strike-cli-"));
  const common = ["--home", home, "--keyring-backend", "file"];
  const env = { STRIKE_KEYRING_PASSPHRASE: "a long passphrase" };
  const add = await strike(["keys", "add", "bob", ...common, "--output", "json"], env);
  t.is(add.code, 0, add.stderr);
  const bob = JSON.parse(add.stdout) as { address: string };
  const show = await strike(["keys", "show", "bob", "-a", ...common]);
  t.is(show.stdout, `${bob.address}\n`);
  const list = JSON.parse((await strike(["keys", "list", ...common, "--output", "json"])).stdout) as { name: string }[];
  t.deepEqual(
    list.map((k) => k.name),
    ["bob"],
  );
  const wrong = await strike(["keys", "export", "bob", "--unsafe", ...common], {
    STRIKE_KEYRING_PASSPHRASE: "not the passphrase",
  });
  t.is(wrong.code, 1);
  t.regex(wrong.stderr, /^Error: .*passphrase/);
  t.false(wrong.stderr.includes("    at "), "no stack trace");
  t.is((await strike(["keys", "delete", "bob", "--yes", ...common])).code, 0);
  const gone = await strike(["keys", "show", "bob", ...common]);
  t.is(gone.code, 1);
  t.regex(gone.stderr, /no key named "bob"/);
  rmSync(home, { recursive: true });
});

test("keys add --recover restores the address from the mnemonic read on stdin", async (t) => {
  const home = mkdtempSync(join(tmpdir(), "strike-cli-"));
  const first = JSON.parse(
    (await strike(["keys", "add", "a", "--home", home, "--keyring-backend", "test", "--output", "json"])).stdout,
  ) as { address: string; mnemonic: string };
  const recovered = await new Promise<Result>((resolve) => {
    const child = execFile(
      process.execPath,
      [
        "bin/strike.js",
        "keys",
        "add",
        "b",
        "--recover",
        "--home",
        home,
        "--keyring-backend",
        "test",
        "--output",
        "json",
      ],
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : 1, stdout, stderr }),
    );
    child.stdin!.end(first.mnemonic + "\n");
  });
  t.is(recovered.code, 0, recovered.stderr);
  t.is((JSON.parse(recovered.stdout) as { address: string }).address, first.address);
  rmSync(home, { recursive: true });
});

test("an unreachable node is one clear line naming the URL, exit code 1", async (t) => {
  // A port that was free a moment ago: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const r = await strike(["status", "--node", `tcp://127.0.0.1:${port}`]);
  t.is(r.code, 1);
  t.is(r.stderr.trim().split("\n").length, 1);
  t.true(r.stderr.includes(`http://127.0.0.1:${port}`), r.stderr);
});

test("bad user input fails with a message, not a stack trace", async (t) => {
  const home = mkdtempSync(join(tmpdir(), "strike-cli-"));
  await strike(["init", "--home", home, "--moniker", "n0"]);
  const bad = await strike(["genesis", "add-account", ADDR, "lots", "--home", home]);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /"lots" is not an amount followed by a denom/);
  t.false(bad.stderr.includes("    at "));
  // A tx's coins are the CLI's argument, named as such, not a genesis error.
  const send = await strike(["tx", "bank", "send", "alice", ADDR, "12.5uusdc", "--yes", "--home", home]);
  t.is(send.code, 1);
  t.regex(
    send.stderr,
    /<amount>: "12\.5uusdc" is not an amount followed by a denom, e\.g\. 1000ustrike: invalid argument \(code 1, codespace cli\)/,
  );
  const wrongPrefix = await strike([
    "genesis",
    "add-account",
    "cosmos1qy352euf40x77qfrg4ncn27dauqjx3t8fxgrh7",
    "1ustrike",
    "--home",
    home,
  ]);
  t.is(wrongPrefix.code, 1);
  t.regex(wrongPrefix.stderr, /expected "strike"/);
  rmSync(home, { recursive: true });
});

test("counts, ids and heights too large for their fields are refused by name before the node is asked", async (t) => {
  // Nothing listens here: a refusal that got as far as the node would say it cannot reach it.
  const node = ["--node", "tcp://127.0.0.1:9"];
  for (const [args, flag] of [
    [["query", "book", "ETH-PERP", "--levels", "4294967296"], "--levels"],
    [["query", "trades", "--market", "ETH-PERP", "--limit", "99999999999999999999"], "--limit"],
    [["query", "bridge", "withdrawal", "18446744073709551616"], "<id>"],
    [["query", "bridge", "deposit", "18446744073709551616"], "<nonce>"],
    [["query", "bridge", "withdrawal", "0", "--height", "9007199254740992"], "--height"],
    [["query", "bridge", "exit-proof", ADDR, "--height", "99999999999999999999999"], "--height"],
  ] as const) {
    const r = await strike([...args, ...node]);
    t.is(r.code, 1, args.join(" "));
    t.true(r.stderr.includes(`${flag} `) && r.stderr.includes("is too large (at most "), r.stderr);
    t.regex(r.stderr, /codespace cli\)/);
    t.false(r.stderr.includes("    at "));
  }
});

test("a malformed fee flag on a tx command is refused by name before the node is asked", async (t) => {
  const home = mkdtempSync(join(tmpdir(), "strike-cli-"));
  const keys = ["--home", home, "--keyring-backend", "test"];
  t.is((await strike(["keys", "add", "a", ...keys, "--output", "json"])).code, 0);
  // Nothing listens here: a refusal that got as far as the node would say it cannot reach it.
  const rest = [...keys, "--node", "tcp://127.0.0.1:9", "--yes"];
  const place = ["tx", "trade", "place", "--market", "ETH-PERP", "--side", "buy", "--size", "1", "--price", "3000"];
  for (const [args, says] of [
    [["tx", "bank", "send", "a", ADDR, "5uusdc", "--fees", "5x"], '--fees: "5x" is not an amount'],
    [[...place, "--from", "a", "--fees", "-5ustrike"], '--fees: "-5ustrike" is not an amount'],
    [[...place, "--from", "a", "--gas", "abc"], '--gas must be a positive integer or "auto", got "abc"'],
    [[...place, "--from", "a", "--gas-prices", "cheap"], '--gas-prices must look like 0.025ustrike, got "cheap"'],
    [[...place, "--from", "a", "--fees", "1ustrike", "--gas-prices", "1ustrike"], "give --fees or --gas-prices"],
    [[...place, "--from", "a", "--gas", "auto", "--gas-adjustment", "0.5"], "--gas-adjustment must be a number >= 1"],
  ] as const) {
    const r = await strike([...args, ...rest]);
    t.is(r.code, 1, args.join(" "));
    t.true(r.stderr.includes(says), r.stderr);
    t.regex(r.stderr, /invalid argument \(code 1, codespace cli\)/);
  }
  // Well-formed flags get as far as the node.
  const ok = await strike(["tx", "bank", "send", "a", ADDR, "5uusdc", "--fees", "5000ustrike", ...rest]);
  t.regex(ok.stderr, /cannot reach the node/);
  rmSync(home, { recursive: true });
});

test("receipt watch refuses a --timeout longer than a timer can wait, instead of stopping at once", async (t) => {
  // A node's websocket that accepts the subscription and then stays quiet.
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  wss.on("connection", (ws) =>
    ws.on("message", (raw: Buffer) => {
      const { id } = JSON.parse(raw.toString()) as { id: number };
      ws.send(JSON.stringify({ jsonrpc: "2.0", id, result: {} }));
    }),
  );
  await new Promise((r) => wss.once("listening", r));
  const node = `tcp://127.0.0.1:${(wss.address() as { port: number }).port}`;
  try {
    const r = await strike(["receipt", "watch", "--timeout", "9999999999", "--output", "json", "--node", node]);
    t.is(r.code, 1, r.stderr);
    t.notRegex(r.stderr, /--timeout reached/);
    t.regex(r.stderr, /--timeout 9999999999 is too long: at most 2147483 seconds/);
    const ok = await strike(["receipt", "watch", "--timeout", "0.2", "--output", "json", "--node", node]);
    t.is(ok.code, 0, ok.stderr);
    t.regex(ok.stderr, /--timeout reached: 0 receipt\(s\)/);
  } finally {
    wss.close();
  }
});

test("feeder refuses an --interval or --http-timeout longer than a timer can wait, before it signs anything", async (t) => {
  const home = mkdtempSync(join(tmpdir(), "strike-cli-"));
  const common = ["--from", "feeder", "--assets", "ETH", "--home", home, "--node", "tcp://127.0.0.1:9"];
  const long = await strike(["feeder", "--interval", "600h", ...common]);
  t.is(long.code, 1, long.stderr);
  t.regex(long.stderr, /--interval 600h is too long: at most 2147483647ms \(about 596h\)/);
  const http = await strike([
    "feeder",
    "--source",
    "http",
    "--http-url",
    "http://127.0.0.1:9/{asset}",
    "--http-field",
    "price",
    "--http-timeout",
    "1000h",
    ...common,
  ]);
  t.is(http.code, 1, http.stderr);
  t.regex(http.stderr, /--http-timeout 1000h is too long/);
  rmSync(home, { recursive: true });
});

test("relayer refuses a --poll-ms or a timeout longer than a timer can wait, before it connects", async (t) => {
  const common = [
    "relayer",
    "start",
    "--contract",
    "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    "--l1-key",
    "11".repeat(32),
    "--l1-rpc",
    "http://127.0.0.1:9",
    "--node",
    "tcp://127.0.0.1:9",
  ];
  for (const [flag, bound] of [
    ["--poll-ms", "from 50 to 2147483647"],
    ["--l1-timeout-ms", "from 100 to 2147483647"],
    ["--rpc-timeout-ms", "from 100 to 2147483647"],
  ] as const) {
    const r = await strike([...common, flag, "9999999999"]);
    t.is(r.code, 1, r.stderr);
    t.true(r.stderr.includes(`${flag} must be an integer ${bound}`), r.stderr);
  }
});

test("l1 claim and l1 deposit refuse an id or amount too large for the contract's field, before connecting", async (t) => {
  const l1 = ["--l1-key", "11".repeat(32), "--l1-rpc", "http://127.0.0.1:9"];
  const contract = ["--contract", "0x5FbDB2315678afecb367f032d93F642f64180aa3"];
  const claim = await strike(["l1", "claim", "18446744073709551616", ...l1, ...contract]);
  t.is(claim.code, 1, claim.stderr);
  t.regex(claim.stderr, /<withdrawal id> 18446744073709551616 is too large \(at most 2\^64 - 1\).*codespace cli/);
  const huge = `1${"0".repeat(80)}`;
  const deposit = await strike(["l1", "deposit", huge, "--to", ADDR, ...l1, ...contract]);
  t.is(deposit.code, 1, deposit.stderr);
  t.regex(deposit.stderr, /amount 10+ is too large \(at most 2\^256 - 1\).*codespace cli/);
});

test("l1 reclaim-deposits refuses a payer that is no address and a from-block that is no block number, before connecting", async (t) => {
  const args = ["--l1-key", "11".repeat(32), "--l1-rpc", "http://127.0.0.1:9"];
  const contract = ["--contract", "0x5FbDB2315678afecb367f032d93F642f64180aa3"];
  const payer = await strike(["l1", "reclaim-deposits", "--payer", "0x1234", ...args, ...contract]);
  t.is(payer.code, 1, payer.stderr);
  t.regex(payer.stderr, /--payer must be 0x and 40 hex digits, got "0x1234".*codespace cli/);
  const from = await strike(["l1", "reclaim-deposits", "--from-block", "-5", ...args, ...contract]);
  t.is(from.code, 1, from.stderr);
  t.regex(from.stderr, /--from-block must be an L1 block number, got "-5".*codespace cli/);
});

test('a --node that is no URL (no host, a port past 65535) is refused by name, not as "Invalid URL"', async (t) => {
  for (const node of ["http://", "tcp://127.0.0.1:99999", "https://:1"]) {
    const r = await strike(["status", "--node", node]);
    t.is(r.code, 1, node);
    t.is(
      r.stderr.trim(),
      `Error: --node must look like tcp://127.0.0.1:26657, got "${node}": invalid argument (code 1, codespace cli)`,
    );
  }
});

test("an --l1-rpc that is not an http(s) URL is refused by name before ethers is asked (l1, relayer, testnet)", async (t) => {
  const args = ["--l1-key", "11".repeat(32), "--contract", "0x5FbDB2315678afecb367f032d93F642f64180aa3"];
  for (const l1Rpc of ["notaurl", "ftp://127.0.0.1:8545", "http://"]) {
    const r = await strike(["l1", "claim", "0", "--l1-rpc", l1Rpc, ...args]);
    t.is(r.code, 1, l1Rpc);
    t.regex(r.stderr, /--l1-rpc must be an http\(s\) URL such as http:\/\/127\.0\.0\.1:8545, got ".*".*codespace cli/);
    t.notRegex(r.stderr, /JsonRpcProvider failed to detect network/);
  }
  const out = join(mkdtempSync(join(tmpdir(), "strike-cli-")), "net");
  for (const cmd of [
    ["relayer", "start", "--node", "tcp://127.0.0.1:9", ...args],
    ["testnet", "--validators", "1", "--output", out],
  ]) {
    const r = await strike([...cmd, "--l1-rpc", "notaurl"]);
    t.is(r.code, 1, cmd[0]);
    t.regex(
      r.stderr,
      /--l1-rpc must be an http\(s\) URL such as http:\/\/127\.0\.0\.1:8545, got "notaurl".*codespace cli/,
    );
  }
  t.false(existsSync(out), "testnet wrote nothing");
});
