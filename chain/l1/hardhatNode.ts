/**
 * A local L1: a real `hardhat node` process (Hardhat 2, hardfork prague) on a loopback
 * port. It never compiles (contracts/build.ts does); the caller stops it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { repoRoot as repo } from "./artifacts.js";
import { l1Errors } from "./errors.js";

const cli = resolve(repo, "node_modules/hardhat/internal/cli/cli.js");
const config = resolve(repo, "contracts/hardhat.config.cjs");

/** Hardhat's well-known test accounts (mnemonic "test test ... junk"); never for real funds. */
export const HARDHAT_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
] as const;

export interface HardhatNode {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startHardhatNode(options: { port: number; timeoutMs?: number }): Promise<HardhatNode> {
  const child = spawn(
    process.execPath,
    [cli, "--config", config, "node", "--hostname", "127.0.0.1", "--port", String(options.port)],
    {
      cwd: repo,
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const onData = (d: Buffer) => {
    output += d.toString();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  await new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(l1Errors.nodeFailed(`no RPC after ${options.timeoutMs ?? 60_000} ms: ${output.slice(-500)}`));
    }, options.timeoutMs ?? 60_000);
    const onReady = () => {
      if (output.includes("Started HTTP and WebSocket JSON-RPC server")) {
        clearTimeout(timer);
        child.stdout?.off("data", onReady);
        resolvePromise();
      }
    };
    child.stdout?.on("data", onReady);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(l1Errors.nodeFailed(`hardhat node exited ${code}: ${output.slice(-500)}`));
    });
  });
  // Keep draining the logs (a full pipe would block the node) without keeping them.
  child.stdout?.off("data", onData);
  child.stderr?.off("data", onData);
  child.stdout?.resume();
  child.stderr?.resume();
  const url = `http://127.0.0.1:${options.port}`;
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolvePromise) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolvePromise();
        child.once("exit", () => resolvePromise());
        child.kill("SIGTERM");
      }),
  };
}
