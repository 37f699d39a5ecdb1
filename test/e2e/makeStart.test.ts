/**
 * `make start`'s network as a newcomer uses it: scripts/localnet.sh (what `make start` runs
 * after installing and compiling) on its own ports, then the L1 deposit command it prints,
 * run as printed: the deposit is credited on Strike by the validators' watchers. Then the
 * script is stopped and started again — Hardhat's L1 starts empty, the chain does not — and
 * a second printed deposit is credited too (the fresh contract's nonces the chain already
 * credited are used up first).
 */
import anyTest, { type TestFn } from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { HARDHAT_KEYS } from "../../chain/l1/hardhatNode.js";
import { freePorts, portBase, runCli, runCliOk } from "../helpers/localNode.js";

const test = anyTest as TestFn<{ dir: string; env: Record<string, string>; rpc: string }>;
const repo = resolve(import.meta.dirname, "..", "..");

interface Script {
  child: ChildProcess;
  out: string;
}

function startScript(env: Record<string, string>): Script {
  const s: Script = {
    child: spawn("bash", ["scripts/localnet.sh"], {
      cwd: repo,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    }),
    out: "",
  };
  s.child.stdout!.on("data", (d: Buffer) => (s.out += d.toString()));
  s.child.stderr!.on("data", (d: Buffer) => (s.out += d.toString()));
  return s;
}

async function until<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function ready(s: Script): Promise<void> {
  await until("the local network's ready message", 300_000, async () => {
    if (s.child.exitCode !== null) throw new Error(`localnet.sh exited ${s.child.exitCode}:\n${s.out}`);
    return s.out.includes("In another shell:") ? true : undefined;
  }).catch((e: Error) => {
    throw new Error(`${e.message}\n${s.out}`);
  });
}

async function stop(s: Script): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => s.child.once("exit", () => r()));
  s.child.kill("SIGTERM");
  await exited;
}

/** Runs the printed `H=...` line and the printed `l1 deposit` line in bash, as a user pastes them. */
async function printedDeposit(s: Script): Promise<bigint> {
  const lines = s.out.slice(s.out.lastIndexOf("In another shell:")).split("\n");
  const h = lines.find((l) => l.trim().startsWith("H="))!.trim();
  const deposit = lines.find((l) => l.includes("l1 deposit"))!.trim();
  const out = await new Promise<string>((resolvePromise, reject) => {
    const child = spawn("bash", ["-c", `set -e; ${h}; ${deposit}`], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (d: Buffer) => (text += d.toString()));
    child.stderr.on("data", (d: Buffer) => (text += d.toString()));
    child.on("exit", (code) =>
      code === 0 ? resolvePromise(text) : reject(new Error(`${deposit} exited ${code}: ${text}`)),
    );
  });
  const nonce = /nonce\W+(\d+)/.exec(out);
  if (nonce === null) throw new Error(`no nonce in the deposit's output: ${out}`);
  return BigInt(nonce[1]!);
}

test.before(async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "strike-makestart-"));
  const base = await portBase(4);
  const [l1Port, statusPort] = await freePorts(2);
  t.context = {
    dir,
    rpc: `tcp://127.0.0.1:${base + 1}`,
    env: {
      LOCALNET_DIR: join(dir, ".localnet"),
      STARTING_PORT: String(base),
      L1_PORT: String(l1Port),
      RELAYER_STATUS_PORT: String(statusPort),
    },
  };
});

test.after.always(async (t) => {
  await rm(t.context.dir, { recursive: true, force: true });
});

test("make start's printed L1 deposit is credited, also after the script (and its in-memory L1) is restarted", async (t) => {
  const { env, rpc } = t.context;
  const home = ["--home", join(env.LOCALNET_DIR!, "node0"), "--keyring-backend", "test"];
  const round = async (expectNonce: bigint): Promise<string> => {
    const s = startScript(env);
    try {
      await ready(s);
      const bob = (await runCliOk(["keys", "show", "bob", "-a", ...home])).trim();
      const uusdc = async () => {
        const b = JSON.parse(await runCliOk(["query", "bank", "balances", bob, "--node", rpc, "--output", "json"])) as {
          balances: { denom: string; amount: string }[];
        };
        return BigInt(b.balances.find((c) => c.denom === "uusdc")?.amount ?? "0");
      };
      const before = await uusdc();
      if (expectNonce === 1n) {
        // Refused before anything is sent: the nonce the printed deposit gets below shows nothing moved.
        const settlement = /settlement contract (0x[0-9a-fA-F]{40})/.exec(s.out)![1]!;
        const l1 = ["--l1-rpc", `http://127.0.0.1:${env.L1_PORT}`, "--contract", settlement];
        const broke = await runCli(["l1", "deposit", "5000000", "--to", bob, "--l1-key", HARDHAT_KEYS[1], ...l1]);
        t.is(broke.code, 1);
        t.regex(broke.stderr, /holds 0 base units of the contract's USDC .*the deposit needs 5000000/);
        const dust = await runCli(["l1", "deposit", "999999", "--to", bob, "--l1-key", HARDHAT_KEYS[4], ...l1]);
        t.is(dust.code, 1);
        t.regex(dust.stderr, /999999 is below the contract's minimum deposit of 1000000/);
      }
      const nonce = await printedDeposit(s);
      t.is(nonce, expectNonce, "the deposit's nonce on the L1 contract");
      const d = await until(`deposit ${nonce} credited`, 90_000, async () => {
        const q = JSON.parse(
          await runCliOk(["query", "bridge", "deposit", String(nonce), "--node", rpc, "--output", "json"]),
        ) as { credited: boolean; recipient?: string; amount?: string };
        return q.credited ? q : undefined;
      });
      t.is(d.recipient, bob);
      t.is(d.amount, "5000000000");
      t.is(await uusdc(), before + 5_000_000_000n, "bob got the 5,000 USDC");
      return s.out;
    } catch (e) {
      t.log(s.out.slice(-5_000));
      throw e;
    } finally {
      await stop(s);
    }
  };
  const firstOut = await round(1n);
  t.notRegex(firstOut, /used up nonces/, "a fresh network has no nonces to use up");
  // Hardhat's L1 is gone with the script; the chain credited nonce 1 of the old contract.
  const secondOut = await round(2n);
  t.regex(secondOut, /used up nonces 1\.\.1 /);
});
