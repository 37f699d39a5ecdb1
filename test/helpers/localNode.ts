/**
 * Runs real `strike` processes for end-to-end tests: a fresh home in a temp dir, keys in
 * the test keyring, funded genesis accounts, and a node on loopback ports.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "../..");
const bin = join(repo, "bin/strike.js");

export interface CliResult {
  /** The exit code, or -1 when a signal ended the process (see `signal`). */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI. `input` is written to stdin (for prompts). */
export function runCli(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repo,
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code: code ?? -1, signal, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

export async function runCliOk(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const r = await runCli(args, options);
  if (r.code !== 0) {
    throw new Error(`strike ${args.join(" ")} exited ${r.signal ?? r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return r.stdout;
}

const PORT_SLOTS = 1_200;
const SLOT_PORTS = 10;
const heldSlots: string[] = [];
let releaseHooked = false;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once("error", () => resolvePromise(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolvePromise(true)));
  });
}

/**
 * A base port for a localnet of `nodes` nodes (each takes 10 ports from base + 10·i), below
 * Linux's ephemeral range (32768+), where outgoing connections would take our ports. e2e files
 * run in parallel processes: each range is claimed with a lock file (O_EXCL) that this process
 * removes when it exits, and every port in it must be free now. A random base alone let two
 * files pick overlapping ranges; a node then failed to bind and the test, polling the port,
 * talked to the other file's chain.
 */
export async function portBase(nodes: number): Promise<number> {
  const dir = join(tmpdir(), "strike-e2e-ports");
  mkdirSync(dir, { recursive: true });
  if (!releaseHooked) {
    releaseHooked = true;
    process.once("exit", () => {
      for (const f of heldSlots) rmSync(f, { force: true });
    });
  }
  const span = Math.max(1, nodes);
  for (let attempt = 0; attempt < 200; attempt++) {
    const slot = Math.floor(Math.random() * (PORT_SLOTS - span));
    const claimed: string[] = [];
    let ok = true;
    for (let k = slot; k < slot + span && ok; k++) {
      const f = join(dir, `${k}.lock`);
      try {
        // A lock left by a process that died is stale after an hour.
        if (existsSync(f) && Date.now() - statSync(f).mtimeMs > 3_600_000) rmSync(f, { force: true });
        writeFileSync(f, String(process.pid), { flag: "wx" });
        claimed.push(f);
      } catch {
        ok = false;
      }
    }
    const base = 20_000 + SLOT_PORTS * slot;
    if (ok) {
      const ports = Array.from({ length: span * SLOT_PORTS }, (_, i) => base + i);
      ok = (await Promise.all(ports.map(portFree))).every(Boolean);
    }
    if (ok) {
      heldSlots.push(...claimed);
      return base;
    }
    for (const f of claimed) rmSync(f, { force: true });
  }
  throw new Error("no free port range for a localnet after 200 tries");
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/**
 * `count` distinct free ports: all are held open together while they are picked, so that two
 * picks cannot come back as one port (a node once got its P2P port equal to its RPC port).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (srv) =>
          new Promise<number>((resolvePromise, reject) => {
            srv.once("error", reject);
            srv.listen(0, "127.0.0.1", () => {
              const addr = srv.address();
              if (addr === null || typeof addr === "string") reject(new Error("no port"));
              else resolvePromise(addr.port);
            });
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((srv) => new Promise<void>((r) => (srv.listening ? srv.close(() => r()) : r()))));
  }
}

export interface TestAccount {
  name: string;
  address: string;
  mnemonic: string;
}

export interface TestNode {
  home: string;
  chainId: string;
  rpcUrl: string;
  /** The loopback port the node listens on for peers. */
  p2pPort: number;
  accounts: Record<string, TestAccount>;
  /** CLI args that point a command at this node's home, keyring and RPC. */
  common: string[];
  process: ChildProcess;
  logs(): string;
  /** Starts the node process (again) on the same home and ports. */
  start(): Promise<void>;
  /** Sends a signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the node and deletes its home. */
  destroy(): Promise<void>;
}

export interface TestNodeOptions {
  accounts?: string[];
  /** Extra flags for `strike start`, e.g. ["--consensus.timeout_commit", "100ms"]. */
  startFlags?: string[];
  funds?: string;
  /** Run the validator's in-process price feeder (off by default, so prices stay where tests set them). */
  feeder?: boolean;
  /** Changes the genesis document (parsed genesis.json) before the node first starts. */
  editGenesis?: (genesis: Record<string, unknown>, accounts: Record<string, TestAccount>) => void;
  /** Starts the node under `ulimit -n` of this many file descriptors (soft and hard). */
  fdLimit?: number;
  /** Runs once the home exists (node key, genesis) and before the node first starts. */
  beforeStart?: (home: string, p2pPort: number) => Promise<void> | void;
}

export async function createTestNode(options: TestNodeOptions = {}): Promise<TestNode> {
  const home = await mkdtemp(join(tmpdir(), "strike-e2e-"));
  const chainId = "strike-e2e-1";
  const [rpcPort, p2pPort] = (await freePorts(2)) as [number, number];
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  const keyring = ["--home", home, "--keyring-backend", "test"];
  await runCliOk(["init", "--home", home, "--chain-id", chainId, "--moniker", "e2e"]);
  const accounts: Record<string, TestAccount> = {};
  for (const name of options.accounts ?? ["alice", "bob"]) {
    const out = JSON.parse(await runCliOk(["keys", "add", name, ...keyring, "--output", "json"])) as {
      address: string;
      mnemonic: string;
    };
    accounts[name] = { name, address: out.address, mnemonic: out.mnemonic };
    await runCliOk([
      "genesis",
      "add-account",
      out.address,
      options.funds ?? "1000000000000ustrike,1000000000000uusdc",
      "--home",
      home,
    ]);
  }

  if (options.editGenesis !== undefined) {
    const path = join(home, "config", "genesis.json");
    const doc = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
    options.editGenesis(doc, accounts);
    await writeFile(path, JSON.stringify(doc, null, 2));
  }

  let child: ChildProcess | undefined;
  let log = "";
  const node: TestNode = {
    home,
    chainId,
    rpcUrl,
    p2pPort,
    accounts,
    common: [...keyring, "--node", `tcp://127.0.0.1:${rpcPort}`, "--chain-id", chainId],
    get process() {
      if (child === undefined) throw new Error("node not started");
      return child;
    },
    logs: () => log,
    async start() {
      const argv = [
        bin,
        "start",
        "--home",
        home,
        "--rpc.laddr",
        `tcp://127.0.0.1:${rpcPort}`,
        "--p2p.laddr",
        `tcp://127.0.0.1:${p2pPort}`,
        "--oracle-feeder.enable",
        String(options.feeder === true),
        ...(options.startFlags ?? []),
      ];
      // Through bash's `ulimit` then `exec`: the node keeps the pid and runs under the limit from its start.
      child =
        options.fdLimit === undefined
          ? spawn(process.execPath, argv, { cwd: repo, stdio: ["ignore", "pipe", "pipe"] })
          : spawn("bash", ["-c", `ulimit -n ${options.fdLimit} && exec "$0" "$@"`, process.execPath, ...argv], {
              cwd: repo,
              stdio: ["ignore", "pipe", "pipe"],
            });
      child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
      await waitForHeight(
        rpcUrl,
        1n,
        60_000,
        () => child?.exitCode ?? null,
        () => log,
      );
    },
    async kill(signal = "SIGTERM") {
      const c = child;
      if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((r) => c.once("exit", () => r()));
      c.kill(signal);
      await exited;
    },
    async destroy() {
      await node.kill("SIGKILL");
      // Set STRIKE_E2E_LOGS=DIR to keep each node's log for debugging.
      if (process.env.STRIKE_E2E_LOGS !== undefined) {
        await writeFile(join(process.env.STRIKE_E2E_LOGS, `${basename(home)}.log`), log);
      }
      await rm(home, { recursive: true, force: true });
    },
  };
  await options.beforeStart?.(home, p2pPort);
  await node.start();
  return node;
}

export async function rpc<T = unknown>(
  rpcUrl: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<T> {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string; data?: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message} ${body.error.data ?? ""}`);
  return body.result as T;
}

export async function latestHeight(rpcUrl: string): Promise<bigint> {
  const s = await rpc<{ sync_info: { latest_block_height: string } }>(rpcUrl, "status");
  return BigInt(s.sync_info.latest_block_height);
}

export async function waitForHeight(
  rpcUrl: string,
  height: bigint,
  timeoutMs = 30_000,
  exitCode: () => number | null = () => null,
  logs: () => string = () => "",
): Promise<bigint> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const code = exitCode();
    if (code !== null) throw new Error(`node exited with code ${code}:\n${logs()}`);
    try {
      const h = await latestHeight(rpcUrl);
      if (h >= height) {
        // The answer must be our node's: one that failed to bind leaves its port to whoever has it.
        const after = exitCode();
        if (after !== null) throw new Error(`node exited with code ${after}:\n${logs()}`);
        return h;
      }
    } catch (e) {
      if (e instanceof Error && e.message.startsWith("node exited")) throw e;
      // not up yet
    }
    if (Date.now() > deadline)
      throw new Error(`height ${height} not reached in ${timeoutMs} ms:\n${logs().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * @cosmjs/socket 0.39 schedules a reconnect whenever its socket reports "disconnected",
 * even after an explicit disconnect (and that report can come later). Turn reconnecting
 * into a no-op, then disconnect, so that the test process can exit.
 */
export function disconnectWebsocketClient(c: { disconnect(): void }): void {
  const reconnecting = (
    c as unknown as {
      client?: { socket?: { reconnectTimeout?: NodeJS.Timeout | null; socket?: { reconnect(): void } } };
    }
  ).client?.socket;
  if (reconnecting?.socket !== undefined) reconnecting.socket.reconnect = () => undefined;
  c.disconnect();
  if (reconnecting?.reconnectTimeout != null) clearTimeout(reconnecting.reconnectTimeout);
}
