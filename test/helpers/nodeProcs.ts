/**
 * Validator and full-node processes for e2e tests: start one on its home, kill it the way a
 * crash does, show the tails of their logs, and wait for a condition with those logs in the
 * error when it times out.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { latestHeight, rpc } from "./localNode.js";

export interface NodeProc {
  home: string;
  rpcUrl: string;
  /** Added to `strike start --home <home>`. */
  args: string[];
  child?: ChildProcess;
  log: string;
}

const bin = resolve(import.meta.dirname, "..", "..", "bin", "strike.js");

export function startNode(p: NodeProc): void {
  const child = spawn(process.execPath, [bin, "start", "--home", p.home, ...p.args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (p.log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (p.log += d.toString()));
  p.child = child;
}

/** SIGKILL, and waits for the exit. */
export async function killNode(p: NodeProc): Promise<void> {
  const c = p.child;
  if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once("exit", () => r()));
  c.kill("SIGKILL");
  await exited;
}

/**
 * A test's after hook: kills every node, writes their logs to STRIKE_E2E_LOGS (when set) as
 * `<prefix>-<home's last part>.log`, and removes the network's folder.
 */
export async function stopNodes(nodes: readonly NodeProc[] | undefined, dir: string | undefined, prefix: string) {
  for (const n of nodes ?? []) await killNode(n);
  const logs = process.env["STRIKE_E2E_LOGS"];
  if (logs !== undefined)
    for (const n of nodes ?? []) await writeFile(join(logs, `${prefix}-${n.home.split("/").pop()}.log`), n.log);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}

export const logTails = (nodes: readonly NodeProc[], chars = 2500): string =>
  nodes.map((n) => `--- ${n.home} ---\n${n.log.slice(-chars)}`).join("\n");

/** Polls `fn` until it gives a value (a throw counts as not yet). */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  logs: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The first height from `from` on whose commit holds `address`'s precommit for the block (undefined: none yet). */
export async function firstSignedCommit(rpcUrl: string, address: string, from: bigint): Promise<bigint | undefined> {
  const top = await latestHeight(rpcUrl);
  for (let x = from; x < top; x++) {
    const c = await rpc<{
      signed_header: { commit: { signatures: { validator_address: string; block_id_flag: number }[] } };
    }>(rpcUrl, "commit", { height: String(x) });
    if (c.signed_header.commit.signatures.some((s) => s.validator_address === address && s.block_id_flag === 2))
      return x;
  }
  return undefined;
}
