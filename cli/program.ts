/** The `strike` command tree. Built by a function so tests can walk it without running it. */
import { Command, Option } from "commander";
import { genesisCommand } from "./commands/genesis.js";
import { initCommand } from "./commands/init.js";
import { keysCommand } from "./commands/keys.js";
import { l1Command } from "./commands/l1.js";
import { feederCommand } from "./commands/oracle.js";
import { queryCommand } from "./commands/query.js";
import { receiptCommand } from "./commands/receipt.js";
import { relayerCommand } from "./commands/relayer.js";
import { startCommand } from "./commands/start.js";
import { statusCommand } from "./commands/status.js";
import { testnetCommand } from "./commands/testnet.js";
import { txCommand } from "./commands/tx.js";
import { DEFAULT_HOME, DEFAULT_NODE } from "./globalOptions.js";
import { withExamples } from "./help.js";

export function createProgram(): Command {
  const program = new Command("strike")
    .description("Strike: a derivatives app-chain node and client")
    .version("0.1.0")
    .option("--home <dir>", "node and keyring directory", DEFAULT_HOME)
    .option("--node <url>", "RPC address of the node to talk to", DEFAULT_NODE)
    .option("--chain-id <id>", "chain id (default: the node's)")
    // Validated in globalOptions(); `testnet --output <dir>` reuses the flag for its folder, as CometBFT's does.
    .option("--output <format>", "output format: text or json (for testnet: the folder of the homes)", "text")
    .addOption(
      new Option("--keyring-backend <backend>", "file: encrypted with a passphrase; test: unencrypted")
        .choices(["file", "test"])
        .default("file"),
    )
    .option("--yes", "skip confirmation prompts", false)
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError("(add --help for usage)");
  withExamples(program, "strike init --moniker node0 --chain-id strike-local-1", "strike status --output json");
  for (const make of [
    initCommand,
    genesisCommand,
    startCommand,
    keysCommand,
    txCommand,
    queryCommand,
    statusCommand,
    feederCommand,
    testnetCommand,
    receiptCommand,
    relayerCommand,
    l1Command,
  ]) {
    program.addCommand(make());
  }
  return program;
}

/** Every command in the tree, depth first, for tests and docs. */
export function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}
