/**
 * Four validator processes on loopback, made by `strike testnet`: the chain survives one
 * validator killed, halts without forking with two down, resumes when one returns, rides
 * out a paused validator, and a full node started late syncs from genesis. At the end
 * every node holds the same block hash and app hash at every height.
 */
import anyTest, { type TestFn } from "ava";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { latestHeight, rpc, runCliOk, waitForHeight, portBase } from "../helpers/localNode.js";
import { killNode, startNode, type NodeProc } from "../helpers/nodeProcs.js";

/** `extra` is created in the before hook so that processes a test adds are seen by the after hook (ava gives each test a shallow copy of the context). */
const test = anyTest as TestFn<{ dir: string; nodes: NodeProc[]; extra: NodeProc[] }>;
const VALIDATORS = 4;

/** The last lines of each named node's log: what a wait that timed out shows. */
function namedTails(nodes: Record<string, NodeProc>, chars = 3_000): string {
  return Object.entries(nodes)
    .map(([name, p]) => `--- ${name} (${p.home}) ---\n${p.log.slice(-chars)}`)
    .join("\n");
}

async function heightOf(p: NodeProc): Promise<bigint> {
  return latestHeight(p.rpcUrl);
}

async function blockAt(p: NodeProc, h: bigint): Promise<{ hash: string; appHash: string }> {
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
  const nodes: NodeProc[] = Array.from({ length: VALIDATORS }, (_, i) => ({
    home: join(dir, `node${i}`),
    rpcUrl: `http://127.0.0.1:${base + 10 * i + 1}`,
    log: "",
    args: [],
  }));
  t.context = { dir, nodes, extra: [] };
  for (const n of nodes) startNode(n);
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
    await killNode(n);
  }
  if (process.env.STRIKE_E2E_LOGS !== undefined) {
    for (const n of nodes ?? [])
      await writeFile(join(process.env.STRIKE_E2E_LOGS, `localnet-${n.home.split("/").pop()}.log`), n.log);
  }
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

test.serial("with one of four validators killed the chain goes on, and the restarted one catches up", async (t) => {
  const [a, , , d] = t.context.nodes as [NodeProc, NodeProc, NodeProc, NodeProc];
  await killNode(d);
  const h = await heightOf(a);
  t.true((await waitForHeight(a.rpcUrl, h + 5n, 60_000)) >= h + 5n);
  startNode(d);
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
  const [a, b, c, d] = t.context.nodes as [NodeProc, NodeProc, NodeProc, NodeProc];
  await killNode(c);
  await killNode(d);
  await new Promise((r) => setTimeout(r, 3_000));
  const stuck = await heightOf(a);
  await new Promise((r) => setTimeout(r, 5_000));
  t.is(await heightOf(a), stuck, "no block without +2/3 of the voting power");
  t.is(await heightOf(b), stuck);
  startNode(c);
  t.true(
    (await waitForHeight(
      a.rpcUrl,
      stuck + 3n,
      90_000,
      () => a.child?.exitCode ?? c.child?.exitCode ?? null,
      () => namedTails({ a, b, c }),
    )) >=
      stuck + 3n,
    "blocks again with three of four",
  );
  startNode(d);
  await waitForHeight(
    d.rpcUrl,
    stuck + 3n,
    90_000,
    () => d.child?.exitCode ?? null,
    () => d.log,
  );
});

test.serial("a validator paused with SIGSTOP and resumed rejoins", async (t) => {
  const [a, b] = t.context.nodes as [NodeProc, NodeProc];
  b.child!.kill("SIGSTOP");
  try {
    const h = await heightOf(a);
    await waitForHeight(
      a.rpcUrl,
      h + 3n,
      60_000,
      () => a.child?.exitCode ?? null,
      () => namedTails({ a }),
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
      () => namedTails({ b }),
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
  await Promise.all(nodes.map((n) => killNode(n)));
  // A block may have committed between the read and the kills.
  const stopped = before + 1n;
  for (const n of nodes) startNode(n);
  t.true(
    (await waitForHeight(
      a.rpcUrl,
      stopped + 3n,
      90_000,
      () => nodes.map((n) => n.child?.exitCode).find((c) => c !== null && c !== undefined) ?? null,
      () => namedTails(Object.fromEntries(nodes.map((n, i) => [`node${i}`, n]))),
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
  const full: NodeProc = {
    home,
    rpcUrl: `http://127.0.0.1:${base + 10 * VALIDATORS + 1}`,
    log: "",
    args: [
      "--rpc.laddr",
      `tcp://127.0.0.1:${base + 10 * VALIDATORS + 1}`,
      "--p2p.laddr",
      `tcp://127.0.0.1:${base + 10 * VALIDATORS}`,
      "--p2p.persistent_peers",
      [...allPeers].join(","),
    ],
  };
  t.context.extra.push(full);
  startNode(full);
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
