/**
 * The V8 flags and the environment a validator runs with (chain/node/v8Flags.ts) reach the
 * node process when it is started the ways the README gives: bin/strike.js run as a program
 * (its shebang, which `npx strike` uses) carries them, and `node bin/strike.js start` without
 * them runs but says what it is missing.
 */
import test from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { NODE_ENV, NODE_V8_FLAGS } from "../../chain/node/v8Flags.js";
import { portBase, runCliOk, waitForHeight } from "../helpers/localNode.js";

const bin = resolve(import.meta.dirname, "..", "..", "bin", "strike.js");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MISSING_NOTE = /note: node runs without --max-semi-space-size=64/;
const MISSING_ENV_NOTE = /note: node runs without MALLOC_MMAP_THRESHOLD_=4194304 in its environment/;

async function runUntilBlock(
  command: string,
  args: string[],
  rpcUrl: string,
): Promise<{ cmdline: string[]; environ: string[]; output: string; code: number | null }> {
  // Without the test runner's NODE_OPTIONS: the flags must come from the command line alone;
  // likewise the malloc setting (NODE_ENV).
  const env = { ...process.env };
  delete env["NODE_OPTIONS"];
  for (const name of Object.keys(NODE_ENV)) delete env[name];
  const child: ChildProcess = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  try {
    await waitForHeight(
      rpcUrl,
      1n,
      60_000,
      () => child.exitCode,
      () => output,
    );
    // On a home that already has blocks the RPC answers before `strike start` has printed
    // that the node runs: wait for that line, so that the output checked below is whole.
    const deadline = Date.now() + 30_000;
    while (!output.includes("running; RPC at") && Date.now() < deadline) await sleep(50);
    // The process that runs the node: env exec's node under the same pid.
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, "latin1").split("\0");
    const environ = readFileSync(`/proc/${child.pid}/environ`, "latin1").split("\0");
    child.kill("SIGINT");
    return { cmdline, environ, output, code: await exited };
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

test("a node started through bin/strike.js's shebang runs with the V8 flags and the malloc setting; `node bin/strike.js start` says they are missing", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "strike-flags-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const base = await portBase(1);
  await runCliOk(["testnet", "--validators", "1", "--output", dir, "--starting-port", String(base)]);
  const home = join(dir, "node0");
  const rpcUrl = `http://127.0.0.1:${base + 1}`;

  const shebang = await runUntilBlock(bin, ["start", "--home", home], rpcUrl);
  for (const flag of NODE_V8_FLAGS) t.true(shebang.cmdline.includes(flag), shebang.cmdline.join(" "));
  for (const [name, value] of Object.entries(NODE_ENV)) t.true(shebang.environ.includes(`${name}=${value}`), name);
  t.notRegex(shebang.output, MISSING_NOTE);
  t.notRegex(shebang.output, MISSING_ENV_NOTE);
  t.is(shebang.code, 0, shebang.output);

  const plain = await runUntilBlock(process.execPath, [bin, "start", "--home", home], rpcUrl);
  t.false(
    plain.cmdline.some((a) => a.startsWith("--max-semi-space-size")),
    plain.cmdline.join(" "),
  );
  t.regex(plain.output, MISSING_NOTE);
  t.false(
    plain.environ.some((v) => v.startsWith("MALLOC_MMAP_THRESHOLD_=")),
    "the plain start has no malloc setting",
  );
  t.regex(plain.output, MISSING_ENV_NOTE);
  t.is(plain.code, 0, plain.output);
});
