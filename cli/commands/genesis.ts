/** `strike genesis …`: edit and check the genesis file of a home. */
import { Command } from "commander";
import { existsSync } from "node:fs";
import { decodeBech32 } from "../../genesis/address.js";
import { formatCoins, parseCoins } from "../../genesis/coins.js";
import { globalOptions, openKeyring, type GlobalOptions } from "../context.js";
import { withExamples } from "../help.js";
import { genesisAddFeederCommand } from "./oracle.js";
import { print } from "../output.js";

/** The config is read only here: its schema (zod) is slow to load for commands that never need it. */
async function genesisPathOf(g: GlobalOptions): Promise<string> {
  const { configPaths, defaultConfig, loadConfig, resolveHomePath } = await import("../../chain/node/config.js");
  const cfg = existsSync(configPaths(g.home).configToml) ? loadConfig(g.home) : defaultConfig("");
  return resolveHomePath(g.home, cfg.genesisFile);
}

/** A bech32 string is taken as an address (its prefix is checked later), anything else as a key name. */
function addressOf(g: GlobalOptions, addressOrKey: string): string {
  return decodeBech32(addressOrKey) !== undefined ? addressOrKey : openKeyring(g).get(addressOrKey).address;
}

export function genesisCommand(): Command {
  const cmd = new Command("genesis").description("Edit and validate the genesis file");
  withExamples(cmd, "strike genesis add-account alice 1000000000ustrike,1000000000uusdc");

  const add = new Command("add-account")
    .description("Give an account coins in genesis (creating the account, or adding to its balance)")
    .argument("<address-or-key>", "bech32 address, or the name of a key in the keyring")
    .argument("<coins>", "comma-separated amounts, e.g. 1000ustrike,1000uusdc")
    .action(async (addressOrKey: string, coinsText: string, _opts: unknown, self: Command) => {
      // The genesis code loads every module: only the commands that edit genesis pay for it.
      const { addGenesisAccount, loadGenesis, writeGenesis } = await import("../../genesis/genesis.js");
      const g = globalOptions(self);
      const coins = parseCoins(coinsText);
      const address = addressOf(g, addressOrKey);
      const path = await genesisPathOf(g);
      writeGenesis(path, addGenesisAccount(loadGenesis(path), address, coins));
      print(
        g.output,
        { address, coins, genesis_file: path },
        () => `Added ${formatCoins(coins)} to ${address} in ${path}`,
      );
    });
  cmd.addCommand(
    withExamples(
      add,
      "strike genesis add-account strike1qy352euf40x77qfrg4ncn27dauqjx3t8ztnahv 1000ustrike,1000uusdc --home ~/.strike",
      "strike genesis add-account alice 5000000ustrike --keyring-backend test",
    ),
  );

  const validate = new Command("validate")
    .description("Check a genesis file and name the first bad field")
    .argument("[file]", "genesis file (default: the home's config/genesis.json)")
    .action(async (file: string | undefined, _opts: unknown, self: Command) => {
      const { loadGenesis } = await import("../../genesis/genesis.js");
      const g = globalOptions(self);
      const path = file ?? (await genesisPathOf(g));
      const doc = loadGenesis(path);
      print(
        g.output,
        { valid: true, file: path, chain_id: doc.chain_id },
        () => `${path} is a valid genesis for ${doc.chain_id}`,
      );
    });
  cmd.addCommand(withExamples(validate, "strike genesis validate --home ~/.strike"));
  cmd.addCommand(genesisAddFeederCommand());
  return cmd;
}
