/** What `strike genesis …` do when they run (genesis.ts defines them). */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { decodeBech32 } from "../../genesis/address.js";
import { formatCoins, parseCoins } from "../../genesis/coins.js";
import { globalOptions, openKeyring, type GlobalOptions } from "../context.js";
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

export async function addAccount(
  addressOrKey: string,
  coinsText: string,
  _opts: unknown,
  self: Command,
): Promise<void> {
  // The genesis code loads every module: only the commands that edit genesis pay for it.
  const { addGenesisAccount, loadGenesis, writeGenesis } = await import("../../genesis/genesis.js");
  const g = globalOptions(self);
  const coins = parseCoins(coinsText);
  const address = addressOf(g, addressOrKey);
  const path = await genesisPathOf(g);
  writeGenesis(path, addGenesisAccount(loadGenesis(path), address, coins));
  print(g.output, { address, coins, genesis_file: path }, () => `Added ${formatCoins(coins)} to ${address} in ${path}`);
}

export async function validateGenesis(file: string | undefined, _opts: unknown, self: Command): Promise<void> {
  const { loadGenesis } = await import("../../genesis/genesis.js");
  const g = globalOptions(self);
  const path = file ?? (await genesisPathOf(g));
  const doc = loadGenesis(path);
  print(
    g.output,
    { valid: true, file: path, chain_id: doc.chain_id },
    () => `${path} is a valid genesis for ${doc.chain_id}`,
  );
}
