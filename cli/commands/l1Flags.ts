/** The flags every `strike l1` command takes; the wallet they open is in l1Connect.ts (ethers, loaded when a command runs). */
import type { Command } from "commander";

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
