/**
 * A Ctrl-C that comes while `strike start` is still starting stops the node cleanly instead
 * of killing the process half-started: it exits 0, says it stopped, and its home starts
 * again and makes blocks.
 */
import test from "ava";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { portBase, runCliOk, waitForHeight } from "../helpers/localNode.js";

const bin = resolve(import.meta.dirname, "..", "..", "bin", "strike.js");

function startNodeProcess(home: string) {
  // Without the V8 flags: the node then prints its note before it loads and starts the
  // node (about a second of work), which is when this test sends its signal.
  const env = { ...process.env };
  delete env["NODE_OPTIONS"];
  const child = spawn(process.execPath, [bin, "start", "--home", home], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const seen: { text: string; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    output += d.toString();
    for (const w of seen) if (output.includes(w.text)) w.resolve();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once("exit", (code, signal) => r({ code, signal })),
  );
  return {
    child,
    exited,
    output: () => output,
    /** Resolves once the output contains `text`. */
    waitFor: (text: string) =>
      new Promise<void>((r) => {
        if (output.includes(text)) r();
        else seen.push({ text, resolve: r });
      }),
  };
}

test("SIGINT while the node is starting stops it cleanly, and its home starts again", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "strike-start-signal-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const base = await portBase(1);
  await runCliOk(["testnet", "--validators", "1", "--output", dir, "--starting-port", String(base)]);
  const home = join(dir, "node0");

  const first = startNodeProcess(home);
  t.teardown(() => void (first.child.exitCode === null && first.child.kill("SIGKILL")));
  await first.waitFor("note: node runs without");
  first.child.kill("SIGINT");
  const ended = await first.exited;
  t.deepEqual(ended, { code: 0, signal: null }, first.output());
  t.regex(first.output(), /SIGINT received, stopping…/);
  t.regex(first.output(), /^stopped/m);
  t.notRegex(first.output(), /running; RPC at/, "it never ran on");

  const second = startNodeProcess(home);
  t.teardown(() => void (second.child.exitCode === null && second.child.kill("SIGKILL")));
  await waitForHeight(
    `http://127.0.0.1:${base + 1}`,
    2n,
    60_000,
    () => second.child.exitCode,
    () => second.output(),
  );
  await second.waitFor("running; RPC at");
  second.child.kill("SIGINT");
  t.deepEqual(await second.exited, { code: 0, signal: null }, second.output());
});
