/**
 * `strike start` refuses a config it does not understand, naming the file, the key and
 * what is allowed, and an address it cannot listen on, naming the address and why; it
 * starts nothing (real CLI processes on a fresh home).
 */
import test from "ava";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { join } from "node:path";
import { freePort, runCli, runCliOk } from "../helpers/localNode.js";

async function freshHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "strike-config-"));
  await runCliOk(["init", "--home", home, "--chain-id", "strike-config-1", "--moniker", "c"]);
  return home;
}

async function edit(path: string, change: (text: string) => string): Promise<void> {
  await writeFile(path, change(await readFile(path, "utf8")));
}

test("an unknown key in config.toml refuses to start, naming the file, the key and the allowed keys", async (t) => {
  const home = await freshHome();
  try {
    const file = join(home, "config", "config.toml");
    await edit(file, (s) => s.replace("[consensus]", '[consensus]\ntimeout_comit = "1s"'));
    const r = await runCli(["start", "--home", home]);
    t.is(r.code, 1);
    t.true(r.stderr.includes(file), r.stderr);
    t.regex(r.stderr, /consensus\.timeout_comit: unknown key; allowed here: .*timeout_commit/);
    t.regex(r.stderr, /code 1, codespace config/);
    t.notRegex(r.stderr, /node started/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test("an unknown table in app.toml refuses to start", async (t) => {
  const home = await freshHome();
  try {
    const file = join(home, "config", "app.toml");
    await edit(file, (s) => `${s}\n[grpc]\nenable = true\n`);
    const r = await runCli(["start", "--home", home]);
    t.is(r.code, 1);
    t.true(r.stderr.includes(file), r.stderr);
    t.regex(r.stderr, /grpc: unknown key; allowed here: minimum-gas-prices, .*oracle-feeder/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test("an invalid log level refuses to start, in the file and as a flag, and says what is allowed", async (t) => {
  const home = await freshHome();
  try {
    const file = join(home, "config", "config.toml");
    await edit(file, (s) => s.replace(/^log_level = .*$/m, 'log_level = "verbose"'));
    const r = await runCli(["start", "--home", home, "--output", "json"]);
    t.is(r.code, 1);
    const { error } = JSON.parse(r.stderr.trim()) as { error: { code: number; codespace: string; message: string } };
    t.is(error.codespace, "config");
    t.is(error.code, 1);
    t.true(error.message.includes(file));
    t.regex(error.message, /log_level "verbose" is not a level; allowed: debug, info, warn, error, none/);

    await edit(file, (s) => s.replace(/^log_level = .*$/m, 'log_level = "info"'));
    const flag = await runCli(["start", "--home", home, "--log_level", "consensus:loud"]);
    t.is(flag.code, 1);
    t.regex(flag.stderr, /--log_level "consensus:loud": "loud" is not a level/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test("a wrong type is refused with the kind of value expected", async (t) => {
  const home = await freshHome();
  try {
    const file = join(home, "config", "config.toml");
    await edit(file, (s) => s.replace(/^recheck = true$/m, 'recheck = "yes"'));
    const r = await runCli(["start", "--home", home]);
    t.is(r.code, 1);
    t.regex(r.stderr, /mempool\.recheck must be true or false, got "yes"/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test("a peer port another process holds refuses to start, saying which address and that it is in use", async (t) => {
  const home = await freshHome();
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(0, "127.0.0.1", () => r()));
  const port = (squatter.address() as { port: number }).port;
  try {
    const r = await runCli([
      "start",
      "--home",
      home,
      "--p2p.laddr",
      `tcp://127.0.0.1:${port}`,
      "--rpc.laddr",
      `tcp://127.0.0.1:${await freePort()}`,
    ]);
    t.is(r.code, 1, `signal ${r.signal}: ${r.stderr}`);
    t.regex(
      r.stderr,
      new RegExp(
        `cannot listen for peers on tcp://127\\.0\\.0\\.1:${port} \\(127\\.0\\.0\\.1:${port} is already in use\\); choose another with --p2p\\.laddr: P2P address unavailable \\(code 5, codespace node\\)`,
      ),
    );
    t.notRegex(r.stderr, /invalid listen address|RPC address unavailable/);
    t.notRegex(r.stderr, /node started/);
  } finally {
    await new Promise((r) => squatter.close(r));
    await rm(home, { recursive: true, force: true });
  }
});
