/** The `strike` CLI a trader uses, against a real node process. */
import anyTest, { type TestFn } from "ava";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTestNode, runCli, runCliOk, type TestNode } from "../helpers/localNode.js";

const test = anyTest as TestFn<{ node: TestNode }>;

test.before(async (t) => {
  t.context.node = await createTestNode({ accounts: ["alice", "bob"] });
});

test.after.always(async (t) => {
  await t.context.node?.destroy();
});

async function balance(node: TestNode, address: string, denom: string): Promise<bigint> {
  const out = JSON.parse(
    await runCliOk(["query", "bank", "balances", address, ...node.common, "--output", "json"]),
  ) as {
    balances: { denom: string; amount: string }[];
  };
  return BigInt(out.balances.find((b) => b.denom === denom)?.amount ?? "0");
}

test.serial("status reports the chain and a growing height", async (t) => {
  const { node } = t.context;
  const status = JSON.parse(await runCliOk(["status", ...node.common, "--output", "json"])) as {
    node_info: { network: string };
    sync_info: { latest_block_height: string };
  };
  t.is(status.node_info.network, node.chainId);
  t.true(BigInt(status.sync_info.latest_block_height) >= 1n);
});

test.serial("keys show -a prints the address alone", async (t) => {
  const { node } = t.context;
  const out = await runCliOk(["keys", "show", "alice", "-a", ...node.common]);
  t.is(out.trim(), node.accounts.alice!.address);
});

test.serial("tx bank send moves tokens, and query tx finds it", async (t) => {
  const { node } = t.context;
  const bob = node.accounts.bob!.address;
  const before = await balance(node, bob, "uusdc");
  const out = await runCliOk([
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
  ]);
  const res = JSON.parse(out) as { txhash: string; code: number; height: string };
  t.is(res.code, 0);
  t.regex(res.txhash, /^[0-9A-F]{64}$/);
  t.is((await balance(node, bob, "uusdc")) - before, 1000n);

  const tx = JSON.parse(await runCliOk(["query", "tx", res.txhash, ...node.common, "--output", "json"])) as {
    txhash: string;
    code: number;
    height: string;
  };
  t.is(tx.txhash, res.txhash);
  t.is(tx.code, 0);
  t.true(BigInt(tx.height) >= 1n);
});

test.serial("tx bank send with --gas auto simulates first", async (t) => {
  const { node } = t.context;
  const bob = node.accounts.bob!.address;
  const out = await runCliOk([
    "tx",
    "bank",
    "send",
    "alice",
    bob,
    "1uusdc",
    "--gas",
    "auto",
    "--gas-prices",
    "0.025ustrike",
    "--yes",
    "--output",
    "json",
    ...node.common,
  ]);
  const res = JSON.parse(out) as { code: number; gas_used: string; gas_wanted: string };
  t.is(res.code, 0);
  t.true(BigInt(res.gas_wanted) >= BigInt(res.gas_used));
});

test.serial("query auth account shows the account number and sequence", async (t) => {
  const { node } = t.context;
  const out = JSON.parse(
    await runCliOk(["query", "auth", "account", node.accounts.alice!.address, ...node.common, "--output", "json"]),
  ) as Record<string, unknown>;
  t.is(JSON.stringify(out).includes(node.accounts.alice!.address), true);
  t.regex(JSON.stringify(out), /"sequence":"?[1-9]/);
});

test.serial("bad input gets a clear error, exit code 1, and changes nothing", async (t) => {
  const { node } = t.context;
  const alice = node.accounts.alice!.address;
  const before = await balance(node, alice, "uusdc");

  const badAddress = await runCli([
    "tx",
    "bank",
    "send",
    "alice",
    "strike1notanaddress",
    "1uusdc",
    "--fees",
    "5000ustrike",
    "--yes",
    ...node.common,
  ]);
  t.is(badAddress.code, 1);
  t.regex(badAddress.stderr, /address/i);
  t.notRegex(badAddress.stderr, /    at /, "no stack trace");

  // A mistyped address (one character changed: the checksum fails) is said to be one, not looked up as a key name.
  const last = alice.at(-1) === "q" ? "p" : "q";
  const typo = await runCli(["query", "bank", "balances", `${alice.slice(0, -1)}${last}`, ...node.common]);
  t.is(typo.code, 1);
  t.regex(typo.stderr, /is not a valid address \(a wrong character or checksum\)/);

  const badAmount = await runCli([
    "tx",
    "bank",
    "send",
    "alice",
    node.accounts.bob!.address,
    "0uusdc",
    "--fees",
    "5000ustrike",
    "--yes",
    ...node.common,
  ]);
  t.is(badAmount.code, 1);
  t.regex(badAmount.stderr, /amount|coin/i);

  const malformed = await runCli([
    "tx",
    "bank",
    "send",
    "alice",
    node.accounts.bob!.address,
    "1.5.0uusdc",
    "--fees",
    "5000ustrike",
    "--yes",
    ...node.common,
  ]);
  t.is(malformed.code, 1);
  t.regex(malformed.stderr, /amount|coin/i);

  const tooMuch = await runCli([
    "tx",
    "bank",
    "send",
    "bob",
    alice,
    "999999999999999999uusdc",
    "--fees",
    "5000ustrike",
    "--yes",
    ...node.common,
  ]);
  t.is(tooMuch.code, 1);
  t.regex(tooMuch.stderr, /insufficient funds/);

  const lowFee = await runCli([
    "tx",
    "bank",
    "send",
    "bob",
    alice,
    "1uusdc",
    "--fees",
    "1ustrike",
    "--yes",
    ...node.common,
  ]);
  t.is(lowFee.code, 1);
  t.regex(lowFee.stderr, /insufficient fee/);

  const unknownKey = await runCli([
    "tx",
    "bank",
    "send",
    "nobody",
    alice,
    "1uusdc",
    "--fees",
    "5000ustrike",
    "--yes",
    ...node.common,
  ]);
  t.is(unknownKey.code, 1);
  t.regex(unknownKey.stderr, /nobody/);

  t.is(await balance(node, alice, "uusdc"), before);
});

test.serial(
  "a key in the encrypted file keyring signs only with its passphrase, and survives export and import",
  async (t) => {
    const { node } = t.context;
    const nodeArgs = ["--node", node.common[node.common.indexOf("--node") + 1]!, "--chain-id", node.chainId];
    const file = ["--home", node.home, "--keyring-backend", "file", ...nodeArgs];
    const good = { env: { STRIKE_KEYRING_PASSPHRASE: "correct horse battery" } };
    const bad = { env: { STRIKE_KEYRING_PASSPHRASE: "wrong passphrase!" } };
    const carol = JSON.parse(await runCliOk(["keys", "add", "carol", ...file, "--output", "json"], good)) as {
      address: string;
    };
    await runCliOk([
      "tx",
      "bank",
      "send",
      "alice",
      carol.address,
      "100000ustrike,10uusdc",
      "--fees",
      "5000ustrike",
      "--yes",
      ...node.common,
    ]);
    const bob = node.accounts.bob!.address;
    const before = await balance(node, bob, "uusdc");

    const refused = await runCli(
      ["tx", "bank", "send", "carol", bob, "3uusdc", "--fees", "5000ustrike", "--yes", ...file],
      bad,
    );
    t.is(refused.code, 1);
    t.regex(refused.stderr, /passphrase/i);
    t.is(await balance(node, bob, "uusdc"), before);

    await runCliOk(["tx", "bank", "send", "carol", bob, "3uusdc", "--fees", "5000ustrike", "--yes", ...file], good);
    t.is((await balance(node, bob, "uusdc")) - before, 3n);

    const armored = await runCliOk(["keys", "export", "carol", ...file], good);
    t.regex(armored, /BEGIN/);
    t.notRegex(armored, /[0-9a-f]{64}/, "the exported key is not in the clear");
    const exported = join(node.home, "carol.key");
    await writeFile(exported, armored);
    await runCliOk(["keys", "delete", "carol", "--yes", ...file], good);
    t.is((await runCli(["keys", "show", "carol", ...file], good)).code, 1);
    const imported = JSON.parse(
      await runCliOk(["keys", "import", "carol2", exported, ...file, "--output", "json"], good),
    ) as { address: string };
    t.is(imported.address, carol.address);
  },
);

test.serial("every command explains itself with --help and an example", async (t) => {
  for (const args of [
    [],
    ["tx", "bank", "send"],
    ["query", "bank", "balances"],
    ["keys", "add"],
    ["start"],
    ["init"],
    ["status"],
  ]) {
    const out = await runCliOk([...args, "--help"]);
    t.regex(out, /Usage:/, args.join(" "));
    t.regex(out, /Example/i, args.join(" "));
  }
});
