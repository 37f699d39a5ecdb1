/**
 * The global options every command sees. Kept free of heavy imports: every command's
 * definition reads them, and `strike --help` loads nothing more than the definitions.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { cliErrors } from "./errors.js";
import type { KeyringBackend } from "./keyring/keyring.js";
import type { OutputFormat } from "./output.js";

export interface GlobalOptions {
  home: string;
  node: string;
  chainId: string | undefined;
  output: OutputFormat;
  keyringBackend: KeyringBackend;
  yes: boolean;
}

export const DEFAULT_HOME = join(homedir(), ".strike");
export const DEFAULT_NODE = "tcp://127.0.0.1:26657";

export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<Record<string, unknown>>();
  const output = o["output"] ?? "text";
  if (output !== "json" && output !== "text")
    throw cliErrors.badArgument(`--output must be json or text, got "${String(output)}"`);
  const backend = o["keyringBackend"] ?? "file";
  if (backend !== "file" && backend !== "test")
    throw cliErrors.badArgument(`--keyring-backend must be file or test, got "${String(backend)}"`);
  return {
    home: typeof o["home"] === "string" ? o["home"] : DEFAULT_HOME,
    node: typeof o["node"] === "string" ? o["node"] : DEFAULT_NODE,
    chainId: typeof o["chainId"] === "string" ? o["chainId"] : undefined,
    output,
    keyringBackend: backend,
    yes: o["yes"] === true,
  };
}

/** CometBFT writes `tcp://host:port`; cosmjs speaks HTTP to the same place. */
export function rpcHttpUrl(node: string): string {
  const url =
    node.startsWith("http://") || node.startsWith("https://")
      ? node
      : node.startsWith("tcp://")
        ? `http://${node.slice("tcp://".length)}`
        : /^[\w.-]+:\d+$/.test(node)
          ? `http://${node}`
          : undefined;
  // URL.canParse refuses what fetch and ws would (no host, a port past 65535) with their "Invalid URL".
  if (url === undefined || !URL.canParse(url))
    throw cliErrors.badArgument(`--node must look like tcp://127.0.0.1:26657, got "${node}"`);
  return url;
}
