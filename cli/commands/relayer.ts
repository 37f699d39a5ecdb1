/** `strike relayer start`: land complete checkpoints on the settlement contract until SIGINT/SIGTERM. */
import { Command } from "commander";
import { isAddress } from "ethers";
import { createLogger } from "../../chain/node/logger.js";
import {
  createBlsRegistrationSource,
  createRelayerMetrics,
  createStrikeSource,
  startRelayer,
  startStatusServer,
} from "../../relayer/index.js";
import { globalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { withExamples } from "../help.js";

interface RelayerFlags {
  rpc?: string;
  l1Rpc: string;
  contract: string;
  l1Key: string;
  confirmations: string;
  pollMs: string;
  l1TimeoutMs: string;
  rpcTimeoutMs: string;
  statusAddr: string;
  logLevel: string;
}

export function relayerCommand(): Command {
  const cmd = new Command("relayer").description("The relayer that lands Strike checkpoints on Ethereum");
  const start = new Command("start")
    .description(
      "Read complete checkpoints from a Strike node and submit them (and validator-set updates) to the settlement contract in height order. Under the bls scheme it first registers each new member's BLS key on L1 with the proof of possession the chain verified. Restarts resume from the contract's lastCheckpoint(); several relayers at once do no harm. GET <status-addr>/status reports what landed, what is settled and the lag behind the chain; GET <status-addr>/metrics serves Prometheus metrics (submitted, confirmed, gas, retries, errors, lag).",
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
    .option("--log-level <level>", "debug, info, warn or error", "info")
    .action(async (o: RelayerFlags, self: Command) => {
      const g = globalOptions(self);
      if (!isAddress(o.contract)) throw cliErrors.badArgument(`--contract ${o.contract} is not an Ethereum address`);
      if (!/^(0x)?[0-9a-fA-F]{64}$/.test(o.l1Key)) throw cliErrors.badArgument("--l1-key must be 32 bytes of hex");
      const confirmations = Number(o.confirmations);
      const pollMs = Number(o.pollMs);
      if (!Number.isInteger(confirmations) || confirmations < 0 || confirmations > 1000)
        throw cliErrors.badArgument("--confirmations must be an integer from 0 to 1000");
      if (!Number.isInteger(pollMs) || pollMs < 50) throw cliErrors.badArgument("--poll-ms must be at least 50");
      const l1TimeoutMs = Number(o.l1TimeoutMs);
      const rpcTimeoutMs = Number(o.rpcTimeoutMs);
      if (!Number.isInteger(l1TimeoutMs) || l1TimeoutMs < 100)
        throw cliErrors.badArgument("--l1-timeout-ms must be an integer of at least 100");
      if (!Number.isInteger(rpcTimeoutMs) || rpcTimeoutMs < 100)
        throw cliErrors.badArgument("--rpc-timeout-ms must be an integer of at least 100");
      const logger = createLogger({ level: o.logLevel, module: "relayer" });
      const metrics = createRelayerMetrics();
      const relayer = await startRelayer({
        strike: createStrikeSource(o.rpc ?? g.node, rpcTimeoutMs),
        blsKeys: createBlsRegistrationSource(o.rpc ?? g.node, rpcTimeoutMs),
        l1RpcUrl: o.l1Rpc,
        contract: o.contract,
        l1Key: o.l1Key.startsWith("0x") ? o.l1Key : `0x${o.l1Key}`,
        confirmations,
        pollMs,
        l1TimeoutMs,
        logger,
        metrics,
      });
      const server = await startStatusServer(o.statusAddr, () => relayer.status(), metrics.registry);
      logger.info("relayer status", { status: `${server.url}/status`, metrics: `${server.url}/metrics` });
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await relayer.stop();
      await server.close();
    });
  const example =
    "strike relayer start --rpc http://127.0.0.1:26657 --l1-rpc http://127.0.0.1:8545 --contract 0x5FbDB2315678afecb367f032d93F642f64180aa3 --l1-key 0x...";
  cmd.addCommand(withExamples(start, example));
  return withExamples(cmd, example);
}
