/**
 * A local network with its L1, as `make start` runs it: a real Hardhat 2 node, `strike
 * testnet --l1-rpc` (contracts deployed and initialised, domain in genesis), four
 * validator processes that sign checkpoints, and relayer processes on demand.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { JsonRpcProvider, type Contract } from "ethers";
import { settlementAt } from "../../chain/l1/deploy.js";
import { HARDHAT_KEYS, startHardhatNode, type HardhatNode } from "../../chain/l1/hardhatNode.js";
import { freePort, runCliOk, waitForHeight, portBase } from "./localNode.js";

const bin = resolve(import.meta.dirname, "..", "..", "bin", "strike.js");

export interface Proc {
  name: string;
  child?: ChildProcess;
  log: string;
}

export interface L1Localnet {
  dir: string;
  l1: HardhatNode;
  provider: JsonRpcProvider;
  settlement: Contract;
  settlementAddress: string;
  rpcUrls: string[];
  nodes: Proc[];
  relayers: Proc[];
  /**
   * Starts a relayer process paying gas with Hardhat test key `keyIndex`; returns its status
   * URL. `l1Rpc` replaces the Hardhat URL (a proxy in front of it); `args` are added flags.
   */
  startRelayer(
    keyIndex: number,
    extra?: { l1Rpc?: string; args?: string[] },
  ): Promise<{ proc: Proc; statusUrl: string; metricsUrl: string }>;
  kill(p: Proc, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

function spawnProc(name: string, args: string[]): Proc {
  const p: Proc = { name, log: "" };
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => (p.log = (p.log + d.toString()).slice(-200_000)));
  child.stderr?.on("data", (d: Buffer) => (p.log = (p.log + d.toString()).slice(-200_000)));
  p.child = child;
  return p;
}

async function killProc(p: Proc, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  const c = p.child;
  if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once("exit", () => r()));
  c.kill(signal);
  await exited;
}

export interface L1LocalnetOptions {
  validators?: number;
  timeoutCommit?: string;
  /** Genesis accounts in node0's test keyring (default: alice). */
  accounts?: string[];
  /** Genesis funds of each account (default: testnet's, which include unbacked uusdc). */
  funds?: string;
  /** Every validator watches and attests L1 deposits (no confirmation depth); off otherwise. */
  bridgeWatcher?: boolean;
  /** The checkpoint signature scheme (default ecdsa). */
  checkpointScheme?: "ecdsa" | "bls";
  /** More `strike start` flags for validator `i`. */
  nodeArgs?: (i: number) => string[];
}

export async function startL1Localnet(o: L1LocalnetOptions = {}): Promise<L1Localnet> {
  const validators = o.validators ?? 4;
  const dir = await mkdtemp(join(tmpdir(), "strike-l1net-"));
  const l1 = await startHardhatNode({ port: await freePort(), timeoutMs: 180_000 });
  const base = await portBase(8);
  const out = await runCliOk([
    "testnet",
    "--validators",
    String(validators),
    "--output",
    dir,
    "--starting-port",
    String(base),
    "--accounts",
    (o.accounts ?? ["alice"]).join(","),
    ...(o.funds === undefined ? [] : ["--funds", o.funds]),
    "--timeout-commit",
    o.timeoutCommit ?? "200ms",
    "--l1-rpc",
    l1.url,
    ...(o.checkpointScheme === undefined ? [] : ["--checkpoint-scheme", o.checkpointScheme]),
  ]);
  const settlementAddress = /settlement (0x[0-9a-fA-F]{40})/.exec(out)![1]!;
  const provider = new JsonRpcProvider(l1.url, undefined, { staticNetwork: true, pollingInterval: 200 });
  const settlement = settlementAt(settlementAddress, o.checkpointScheme ?? "ecdsa", provider);
  const rpcUrls = Array.from({ length: validators }, (_, i) => `http://127.0.0.1:${base + 10 * i + 1}`);
  const nodes = Array.from({ length: validators }, (_, i) =>
    spawnProc(`node${i}`, [
      "start",
      "--home",
      join(dir, `node${i}`),
      // testnet --l1-rpc turns every validator's watcher on, as make start wants it.
      ...(o.bridgeWatcher === true
        ? ["--bridge.enable", "true", "--bridge.l1-rpc", l1.url, "--bridge.contract", settlementAddress]
        : ["--bridge.enable", "false"]),
      ...(o.bridgeWatcher === true ? ["--bridge.confirmations", "0", "--bridge.poll-interval", "300ms"] : []),
      ...(o.nodeArgs?.(i) ?? []),
    ]),
  );
  const relayers: Proc[] = [];
  const net: L1Localnet = {
    dir,
    l1,
    provider,
    settlement,
    settlementAddress,
    rpcUrls,
    nodes,
    relayers,
    async startRelayer(keyIndex, extra = {}) {
      const port = await freePort();
      const proc = spawnProc(`relayer${relayers.length}`, [
        "relayer",
        "start",
        "--rpc",
        rpcUrls[relayers.length % rpcUrls.length]!,
        "--l1-rpc",
        extra.l1Rpc ?? l1.url,
        "--contract",
        settlementAddress,
        "--l1-key",
        HARDHAT_KEYS[keyIndex]!,
        "--status-addr",
        `127.0.0.1:${port}`,
        "--poll-ms",
        "200",
        ...(extra.args ?? []),
      ]);
      relayers.push(proc);
      return { proc, statusUrl: `http://127.0.0.1:${port}/status`, metricsUrl: `http://127.0.0.1:${port}/metrics` };
    },
    kill: killProc,
    async stop() {
      for (const p of [...relayers, ...nodes]) await killProc(p);
      provider.destroy();
      await l1.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const [i, n] of nodes.entries())
      await waitForHeight(
        rpcUrls[i]!,
        2n,
        180_000,
        () => n.child?.exitCode ?? null,
        () => n.log,
      );
  } catch (e) {
    await net.stop();
    throw e;
  }
  return net;
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** With STRIKE_E2E_LOGS set, writes each node's and relayer's log there as `<test>-<process>.log`. */
export async function saveL1LocalnetLogs(net: L1Localnet, test: string): Promise<void> {
  const dir = process.env.STRIKE_E2E_LOGS;
  if (dir === undefined) return;
  for (const p of [...net.nodes, ...net.relayers]) await writeFile(join(dir, `${test}-${p.name}.log`), p.log);
}
