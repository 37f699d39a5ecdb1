/**
 * Four validator processes on loopback, made by `strike testnet`: the chain survives one
 * validator killed, halts without forking with two down, resumes when one returns, rides
 * out a paused validator, and a full node started late syncs from genesis. At the end
 * every node holds the same block hash and app hash at every height.
 */
import anyTest, { type TestFn } from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { latestHeight, rpc, runCliOk, waitForHeight, portBase } from "../helpers/localNode.js";

interface Proc {
  home: string;
  rpcUrl: string;
  child?: ChildProcess;
  log: string;
  extraArgs: string[];
}

/** `extra` is created in the before hook so that processes a test adds are seen by the after hook (ava gives each test a shallow copy of the context). */
const test = anyTest as TestFn<{ dir: string; nodes: Proc[]; extra: Proc[] }>;
const bin = resolve(import.meta.dirname, "..", "..", "bin", "strike.js");
const VALIDATORS = 4;

function start(p: Proc): void {
  const child = spawn(process.execPath, [bin, "start", "--home", p.home, ...p.extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (p.log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (p.log += d.toString()));
  p.child = child;
}

async function kill(p: Proc, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  const c = p.child;
  if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once("exit", () => r()));
  c.kill(signal);
  await exited;
}

/** The last lines of each named node's log: what a wait that timed out shows. */
function logTails(nodes: Record<string, Proc>, chars = 3_000): string {
  return Object.entries(nodes)
    .map(([name, p]) => `--- ${name} (${p.home}) ---\n${p.log.slice(-chars)}`)
    .join("\n");
}

async function heightOf(p: Proc): Promise<bigint> {
  return latestHeight(p.rpcUrl);
}

async function blockAt(p: Proc, h: bigint): Promise<{ hash: string; appHash: string }> {
  const r = await rpc<{ block_id: { hash: string }; block: { header: { app_hash: string } } }>(p.rpcUrl, "block", {
    height: String(h),
  });
  return { hash: r.block_id.hash, appHash: r.block.header.app_hash };
}

test.before(async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "strike-localnet-"));
  // A random base keeps parallel runs apart; node i uses base+10i (p2p) and base+10i+1 (rpc).
  const base = await portBase(8);
  await runCliOk([
    "testnet",
    "--validators",
    String(VALIDATORS),
    "--output",
    dir,
    "--starting-port",
    String(base),
    "--accounts",
    "alice",
    "--timeout-commit",
    "200ms",
  ]);
  const nodes: Proc[] = Array.from({ length: VALIDATORS }, (_, i) => ({
    home: join(dir, `node${i}`),
    rpcUrl: `http://127.0.0.1:${base + 10 * i + 1}`,
    log: "",
    extraArgs: [],
  }));
  t.context = { dir, nodes, extra: [] };
  for (const n of nodes) start(n);
  for (const n of nodes)
    await waitForHeight(
      n.rpcUrl,
      3n,
      120_000,
      () => n.child?.exitCode ?? null,
      () => n.log,
    );
});

test.after.always(async (t) => {
  const { nodes, extra, dir } = t.context;
  for (const n of [...(nodes ?? []), ...(extra ?? [])]) {
    n.child?.kill("SIGCONT");
    await kill(n);
  }
  if (process.env.STRIKE_E2E_LOGS !== undefined) {
    for (const n of nodes ?? [])
      await writeFile(join(process.env.STRIKE_E2E_LOGS, `localnet-${n.home.split("/").pop()}.log`), n.log);
  }
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

test.serial("with one of four validators killed the chain goes on, and the restarted one catches up", async (t) => {
  const [a, , , d] = t.context.nodes as [Proc, Proc, Proc, Proc];
  await kill(d);
  const h = await heightOf(a);
  t.true((await waitForHeight(a.rpcUrl, h + 5n, 60_000)) >= h + 5n);
  start(d);
  const target = await heightOf(a);
  t.true(
    (await waitForHeight(
      d.rpcUrl,
      target,
      90_000,
      () => d.child?.exitCode ?? null,
      () => d.log,
    )) >= target,
  );
});

test.serial("with two validators down the chain halts without a fork, and resumes when one returns", async (t) => {
  const [a, b, c, d] = t.context.nodes as [Proc, Proc, Proc, Proc];
  await kill(c);
  await kill(d);
  await new Promise((r) => setTimeout(r, 3_000));
  const stuck = await heightOf(a);
  await new Promise((r) => setTimeout(r, 5_000));
  t.is(await heightOf(a), stuck, "no block without +2/3 of the voting power");
  t.is(await heightOf(b), stuck);
  start(c);
  t.true(
    (await waitForHeight(
      a.rpcUrl,
      stuck + 3n,
      90_000,
      () => a.child?.exitCode ?? c.child?.exitCode ?? null,
      () => logTails({ a, b, c }),
    )) >=
      stuck + 3n,
    "blocks again with three of four",
  );
  start(d);
  await waitForHeight(
    d.rpcUrl,
    stuck + 3n,
    90_000,
    () => d.child?.exitCode ?? null,
    () => d.log,
  );
});

test.serial("a validator paused with SIGSTOP and resumed rejoins", async (t) => {
  const [a, b] = t.context.nodes as [Proc, Proc];
  b.child!.kill("SIGSTOP");
  try {
    const h = await heightOf(a);
    await waitForHeight(
      a.rpcUrl,
      h + 3n,
      60_000,
      () => a.child?.exitCode ?? null,
      () => logTails({ a }),
    );
  } finally {
    // Resumed even when the wait fails, so that the tests after this one find it running.
    b.child!.kill("SIGCONT");
  }
  const target = await heightOf(a);
  t.true(
    (await waitForHeight(
      b.rpcUrl,
      target,
      60_000,
      () => b.child?.exitCode ?? null,
      () => logTails({ b }),
    )) >= target,
  );
});

test.serial("all four validators killed at once with SIGKILL and started again: the chain goes on", async (t) => {
  const { nodes } = t.context;
  const a = nodes[0]!;
  // Mid-height: the next height's proposal and votes go out ~200 ms (timeout_commit) after a block.
  const h = await heightOf(a);
  await waitForHeight(a.rpcUrl, h + 1n, 60_000);
  await new Promise((r) => setTimeout(r, 210));
  const before = (await Promise.all(nodes.map(heightOf))).reduce((x, y) => (x > y ? x : y));
  await Promise.all(nodes.map((n) => kill(n)));
  // A block may have committed between the read and the kills.
  const stopped = before + 1n;
  for (const n of nodes) start(n);
  t.true(
    (await waitForHeight(
      a.rpcUrl,
      stopped + 3n,
      90_000,
      () => nodes.map((n) => n.child?.exitCode).find((c) => c !== null && c !== undefined) ?? null,
      () => logTails(Object.fromEntries(nodes.map((n, i) => [`node${i}`, n]))),
    )) >=
      stopped + 3n,
    "blocks again after all four restart",
  );
});

test.serial("a full node started late syncs from genesis", async (t) => {
  const { dir, nodes } = t.context;
  const home = join(dir, "full");
  await runCliOk(["init", "--home", home, "--moniker", "full", "--chain-id", "strike-local-1"]);
  await copyFile(join(nodes[0]!.home, "config", "genesis.json"), join(home, "config", "genesis.json"));
  const peers = /persistent_peers = "([^"]*)"/.exec(
    await readFile(join(nodes[0]!.home, "config", "config.toml"), "utf8"),
  )![1]!;
  const node0Peer = /laddr = "tcp:\/\/127\.0\.0\.1:(\d+)"/g;
  const cfg = await readFile(join(nodes[0]!.home, "config", "config.toml"), "utf8");
  const ports = [...cfg.matchAll(node0Peer)].map((m) => Number(m[1]));
  const base = Math.min(...ports);
  // A node's list names every validator but itself: node0's and node1's together name all four.
  const allPeers = new Set(peers.split(","));
  const cfg1 = await readFile(join(nodes[1]!.home, "config", "config.toml"), "utf8");
  for (const p of /persistent_peers = "([^"]*)"/.exec(cfg1)![1]!.split(",")) allPeers.add(p);
  const full: Proc = {
    home,
    rpcUrl: `http://127.0.0.1:${base + 10 * VALIDATORS + 1}`,
    log: "",
    extraArgs: [
      "--rpc.laddr",
      `tcp://127.0.0.1:${base + 10 * VALIDATORS + 1}`,
      "--p2p.laddr",
      `tcp://127.0.0.1:${base + 10 * VALIDATORS}`,
      "--p2p.persistent_peers",
      [...allPeers].join(","),
    ],
  };
  t.context.extra.push(full);
  start(full);
  const target = await heightOf(nodes[0]!);
  t.true(
    (await waitForHeight(
      full.rpcUrl,
      target,
      120_000,
      () => full.child?.exitCode ?? null,
      () => full.log,
    )) >= target,
  );
});

test.serial("every node has the same block hash and app hash at every height", async (t) => {
  const all = [...t.context.nodes, ...t.context.extra];
  const top = (await Promise.all(all.map(heightOf))).reduce((a, b) => (a < b ? a : b));
  t.true(top > 5n);
  for (let h = 1n; h <= top; h++) {
    const blocks = await Promise.all(all.map((n) => blockAt(n, h)));
    for (const b of blocks.slice(1)) t.deepEqual(b, blocks[0], `height ${h}`);
  }
});
