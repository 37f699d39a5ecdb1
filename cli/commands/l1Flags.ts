/** The flags every `strike l1` command takes; the wallet they open is in l1Connect.ts (ethers, loaded when a command runs). */
import type { Command } from "commander";
import { cliErrors } from "../errors.js";

export interface L1Flags {
  l1Key: string;
  l1Rpc: string;
  contract: string;
  rpc?: string;
}

export function addL1Options(cmd: Command): Command {
  return cmd
    .requiredOption("--l1-key <hex>", "L1 private key that signs and pays gas (0x and 64 hex digits)")
    .option("--l1-rpc <url>", "L1 JSON-RPC endpoint", "http://127.0.0.1:8545")
    .requiredOption("--contract <0x address>", "the settlement contract");
}

/**
 * Refuses an L1 JSON-RPC address that is not an http(s) URL: ethers' provider takes any string
 * and fails on its first call with its own words ("unsupported protocol").
 */
export function checkL1Rpc(url: string, flag = "--l1-rpc"): string {
  if (!/^https?:\/\//.test(url) || !URL.canParse(url))
    throw cliErrors.badArgument(`${flag} must be an http(s) URL such as http://127.0.0.1:8545, got "${url}"`);
  return url;
}
