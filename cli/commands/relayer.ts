/**
 * `strike relayer start`: land complete checkpoints on the settlement contract until SIGINT/SIGTERM.
 * The relayer itself (ethers, the node clients) is in relayerActions.ts, loaded when it starts.
 */
import { Command } from "commander";
import { withExamples } from "../help.js";
import type { RelayerFlags } from "./relayerActions.js";

export function relayerCommand(): Command {
  const cmd = new Command("relayer").description("The relayer that lands Strike checkpoints on Ethereum");
  const start = new Command("start")
    .description(
      "Read complete checkpoints from a Strike node and submit them (and validator-set updates) to the settlement contract in height order. Under the bls scheme it first registers each new member's BLS key on L1 with the proof of possession the chain verified. Restarts resume from the contract's lastCheckpoint(); several relayers at once do no harm. GET <status-addr>/status reports what landed, what is settled and the lag behind the chain; GET <status-addr>/metrics serves Prometheus metrics (submitted, confirmed, gas, retries, errors, lag). " +
        "It also watches L1: every landed checkpoint (whoever sent it) is compared with the chain's at that height, and one " +
        "that is not the chain's (a forged state root a colluding majority signed) is logged as an error and counted " +
        "(strike_relayer_forged_checkpoints_total). Under ecdsa each signature in that L1 tx's calldata is recovered and its " +
        "validator reported with MsgForgedCheckpoint from --strike-key's account (slashed and jailed, once per validator and " +
        "height); without --strike-key the ready-to-run `strike tx checkpoint report-forged` commands are logged. A height " +
        "above the chain's newest checkpoint is judged once the chain gets there. Under bls the aggregate signature names no " +
        "individual signature: a forged checkpoint is detected, logged and counted only.",
    )
    .option("--rpc <url>", "Strike node RPC (default: --node)")
    .requiredOption("--l1-rpc <url>", "Ethereum JSON-RPC URL, e.g. http://127.0.0.1:8545")
    .requiredOption("--contract <address>", "the EcdsaSettlement contract address")
    .requiredOption("--l1-key <hex>", "0x private key of the L1 account that pays the gas")
    .option("--confirmations <n>", "L1 blocks on top of a checkpoint's block before it is settled", "2")
    .option("--poll-ms <ms>", "how often to look for new checkpoints", "500")
    .option(
      "--l1-timeout-ms <ms>",
      "an L1 JSON-RPC request unanswered this long fails and the round is retried",
      "10000",
    )
    .option(
      "--rpc-timeout-ms <ms>",
      "a Strike RPC request unanswered this long fails and the round is retried",
      "10000",
    )
    .option(
      "--status-addr <host:port>",
      "where GET /status and /metrics answer (port 0: any free port)",
      "127.0.0.1:26690",
    )
    .option(
      "--strike-key <key>",
      "key (name or address in --home's keyring) whose Strike account reports the signers of forged checkpoints and pays for it (none: only logged)",
    )
    .option("--strike-gas-prices <price>", "gas price of those reports (default 0.025ustrike)")
    .option("--log-level <level>", "debug, info, warn or error", "info")
    .action(async (o: RelayerFlags, self: Command) => (await import("./relayerActions.js")).runRelayer(o, self));
  const example =
    "strike relayer start --rpc http://127.0.0.1:26657 --l1-rpc http://127.0.0.1:8545 --contract 0x5FbDB2315678afecb367f032d93F642f64180aa3 --l1-key 0x...";
  cmd.addCommand(withExamples(start, example));
  return withExamples(cmd, example);
}
