/** `strike init`: config, node and validator keys, and a one-validator genesis. */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { Command } from "commander";
import { configPaths, defaultConfig, loadConfig, resolveHomePath, writeConfig } from "../../chain/node/config.js";
import { ensureNodeKeys, nodeIdOf } from "../../chain/node/home.js";
import { toHex } from "../../chain/types/bytes.js";
import { DEFAULT_CHAIN_ID, DEFAULT_VALIDATOR_POWER } from "../../genesis/constants.js";
import { defaultGenesis, writeGenesis } from "../../genesis/genesis.js";
import { globalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { withExamples } from "../help.js";
import { print } from "../output.js";

export function initCommand(): Command {
  const cmd = new Command("init")
    .description(
      "Create a node home: config files, node and validator keys, and a genesis with this node as the only validator",
    )
    .option("--moniker <name>", "this node's name", hostname())
    .option("--overwrite", "replace an existing genesis.json", false)
    .option("--genesis-time <rfc3339>", "genesis time (default: now)")
    .action((opts: { moniker: string; overwrite: boolean; genesisTime?: string }, self: Command) => {
      const g = globalOptions(self);
      const chainId = g.chainId ?? DEFAULT_CHAIN_ID;
      // Keep an operator's edited config; only the moniker follows the flag.
      const cfg = existsSync(configPaths(g.home).configToml) ? loadConfig(g.home) : defaultConfig(opts.moniker);
      cfg.moniker = opts.moniker;
      const genesisPath = resolveHomePath(g.home, cfg.genesisFile);
      if (existsSync(genesisPath) && !opts.overwrite) {
        throw cliErrors.alreadyInitialized(`${genesisPath} exists; pass --overwrite to replace it`);
      }
      writeConfig(g.home, cfg);
      const keys = ensureNodeKeys(g.home, cfg);
      const doc = defaultGenesis({
        chainId,
        validator: { pubKey: keys.validatorKey.pubKey, name: opts.moniker, power: DEFAULT_VALIDATOR_POWER },
        genesisTime: opts.genesisTime ?? new Date(),
      });
      writeGenesis(genesisPath, doc);
      const result = {
        moniker: opts.moniker,
        chain_id: chainId,
        node_id: nodeIdOf(keys.nodeKey),
        validator_address: toHex(keys.validatorKey.address).toUpperCase(),
        home: g.home,
        genesis_file: genesisPath,
      };
      print(g.output, result, () =>
        [
          `Initialized ${g.home} for chain ${chainId}`,
          `  moniker:           ${result.moniker}`,
          `  node id:           ${result.node_id}`,
          `  validator address: ${result.validator_address} (power ${DEFAULT_VALIDATOR_POWER})`,
          `  genesis:           ${genesisPath}`,
          `Next: strike genesis add-account <address> 1000000000ustrike --home ${g.home}`,
        ].join("\n"),
      );
    });
  return withExamples(cmd, "strike init --home ~/.strike --chain-id strike-local-1 --moniker node0");
}
