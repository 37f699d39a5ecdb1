/**
 * `strike testnet`: the homes of an N-validator local network in one folder — keys,
 * one shared genesis with every validator, configs with distinct loopback ports and each
 * node's persistent peers set to all the others — plus funded test accounts in node0's
 * test keyring.
 */
import { Command } from "commander";
import { withExamples } from "../help.js";
import type { TestnetFlags } from "./testnetActions.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./testnetActions.js");

export function testnetCommand(): Command {
  const cmd = new Command("testnet")
    .description("Create the homes of a local network of validators (node0 … nodeN-1) with a shared genesis")
    .option("--validators <n>", "number of validators", "4")
    .option("--starting-port <port>", "node i listens for peers on port+10i and serves RPC on port+10i+1", "26656")
    .option("--accounts <names>", "test-keyring accounts created in node0 and funded in genesis", "alice,bob,mm")
    .option("--funds <coins>", "genesis funds of each account", "1000000000000ustrike,1000000000000uusdc")
    .option(
      "--feeder <name>",
      "make the oracle permissioned with this account as its only feeder (default: each validator feeds in-process)",
    )
    .option("--genesis-time <rfc3339>", "genesis time (default: now)")
    .option(
      "--timeout-commit <duration>",
      "pause after each block before the next height starts (50ms: the sequencer executes txs as they arrive, so a longer pause only adds latency; see README)",
      "50ms",
    )
    .option(
      "--l1-rpc <url>",
      "deploy a mock USDC and the settlement contract (initialised with the genesis validators' Ethereum keys) on this L1, put its chain id and address in genesis, and have every validator attest its deposits (app.toml [bridge], no confirmation depth); without --l1-key, Hardhat's test accounts 4 and 5 get 1,000,000 mock USDC each",
    )
    .option(
      "--checkpoint-scheme <scheme>",
      "how validators sign checkpoints: ecdsa (EcdsaSettlement, ecrecover) or bls (BlsSettlement, one aggregate BLS12-381 signature)",
      "ecdsa",
    )
    .option("--l1-key <hex>", "the L1 deployer's private key (with --l1-rpc; default: Hardhat's first test account)")
    .action(async (o: TestnetFlags, self: Command) => (await actions()).testnet(o, self));
  return withExamples(
    cmd,
    "strike testnet --validators 4 --output ./localnet",
    "strike testnet --validators 4 --output ./localnet --chain-id strike-test-2 --starting-port 36656",
    "strike testnet --validators 4 --output ./localnet --l1-rpc http://127.0.0.1:8545 --checkpoint-scheme bls",
  );
}
