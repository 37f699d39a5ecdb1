/** `strike init`: config, node and validator keys, and a one-validator genesis. */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { Command } from "commander";
import { toHex } from "../../chain/types/bytes.js";
import { DEFAULT_CHAIN_ID, DEFAULT_VALIDATOR_POWER } from "../../genesis/constants.js";
import { parseCoins } from "../../genesis/coins.js";

/** Fees for the feeder's votes: 10,000 STRIKE is two million votes at the default fee. */
const FEEDER_FUNDS = parseCoins("10000000000ustrike");
import { globalOptions } from "../globalOptions.js";
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
    .action(async (opts: { moniker: string; overwrite: boolean; genesisTime?: string }, self: Command) => {
      // The genesis code loads every module: imported here so other commands start fast.
      const [{ addGenesisAccount, defaultGenesis, writeGenesis }, { addBondedValidators }, config] = await Promise.all([
        import("../../genesis/genesis.js"),
        import("../../genesis/validators.js"),
        import("../../chain/node/config.js"),
      ]);
      const [
        { ensureNodeKeys, nodeIdOf },
        { ensureFeederKey },
        { ETH_KEY_FILE, ensureEthKey },
        { addGenesisBlsKey, addGenesisEthKey },
        { BLS_KEY_FILE, ensureBlsKey },
      ] = await Promise.all([
        import("../../chain/node/home.js"),
        import("../../chain/node/feederKey.js"),
        import("../../chain/node/ethKey.js"),
        import("../../modules/checkpoint/index.js"),
        import("../../chain/node/blsKey.js"),
      ]);
      const { configPaths, defaultConfig, loadConfig, resolveHomePath, writeConfig } = config;
      const g = globalOptions(self);
      const chainId = g.chainId ?? DEFAULT_CHAIN_ID;
      // Keep an operator's edited config; only the moniker follows the flag.
      const cfg = existsSync(configPaths(g.home).configToml) ? loadConfig(g.home) : defaultConfig(opts.moniker);
      cfg.moniker = opts.moniker;
      const genesisPath = resolveHomePath(g.home, cfg.genesisFile);
      if (existsSync(genesisPath) && !opts.overwrite) {
        throw cliErrors.alreadyInitialized(`${genesisPath} exists; pass --overwrite to replace it`);
      }
      // A lone node feeds its own oracle: the feeder key in the home is also the operator
      // of the node's bonded validator, so its votes weigh the validator's stake.
      if (!existsSync(configPaths(g.home).configToml)) cfg.oracleFeeder.enable = true;
      writeConfig(g.home, cfg);
      const keys = ensureNodeKeys(g.home, cfg);
      const feeder = ensureFeederKey(resolveHomePath(g.home, cfg.oracleFeeder.keyFile));
      const ethKey = ensureEthKey(resolveHomePath(g.home, ETH_KEY_FILE));
      const blsKey = ensureBlsKey(resolveHomePath(g.home, BLS_KEY_FILE));
      let doc = defaultGenesis({
        chainId,
        validator: { pubKey: keys.validatorKey.pubKey, name: opts.moniker, power: DEFAULT_VALIDATOR_POWER },
        genesisTime: opts.genesisTime ?? new Date(),
      });
      doc = addGenesisAccount(doc, feeder.address, FEEDER_FUNDS);
      doc = addBondedValidators(doc, [
        {
          operator: feeder.address,
          consPubKey: keys.validatorKey.pubKey,
          moniker: opts.moniker,
          selfDelegation: DEFAULT_VALIDATOR_POWER * 1_000_000n,
        },
      ]);
      doc.app_state["checkpoint"] = addGenesisEthKey(doc.app_state["checkpoint"], feeder.address, ethKey.address);
      // Its BLS key too, so that the deployment may choose the bls scheme.
      doc.app_state["checkpoint"] = addGenesisBlsKey(
        doc.app_state["checkpoint"],
        feeder.address,
        blsKey.publicKey,
        blsKey.proofOfPossession,
      );
      writeGenesis(genesisPath, doc);
      const result = {
        moniker: opts.moniker,
        chain_id: chainId,
        node_id: nodeIdOf(keys.nodeKey),
        validator_address: toHex(keys.validatorKey.address).toUpperCase(),
        operator_and_feeder: feeder.address,
        eth_address: ethKey.address,
        bls_public_key: blsKey.publicKey,
        home: g.home,
        genesis_file: genesisPath,
      };
      print(g.output, result, () =>
        [
          `Initialized ${g.home} for chain ${chainId}`,
          `  moniker:           ${result.moniker}`,
          `  node id:           ${result.node_id}`,
          `  validator address: ${result.validator_address} (power ${DEFAULT_VALIDATOR_POWER})`,
          `  operator / feeder: ${feeder.address} (key ${cfg.oracleFeeder.keyFile})`,
          `  checkpoint key:    ${ethKey.address} (Ethereum, key ${ETH_KEY_FILE})`,
          `  BLS key:           ${blsKey.publicKey.slice(0, 18)}… (key ${BLS_KEY_FILE})`,
          `  genesis:           ${genesisPath}`,
          `Next: strike genesis add-account <address> 1000000000ustrike --home ${g.home}`,
        ].join("\n"),
      );
    });
  return withExamples(cmd, "strike init --home ~/.strike --chain-id strike-local-1 --moniker node0");
}
