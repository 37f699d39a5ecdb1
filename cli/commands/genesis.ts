/** `strike genesis …`: edit and check the genesis file of a home. */
import { Command } from "commander";
import { withExamples } from "../help.js";
import { genesisAddFeederCommand } from "./oracle.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./genesisActions.js");

export function genesisCommand(): Command {
  const cmd = new Command("genesis").description("Edit and validate the genesis file");
  withExamples(cmd, "strike genesis add-account alice 1000000000ustrike,1000000000uusdc");

  const add = new Command("add-account")
    .description("Give an account coins in genesis (creating the account, or adding to its balance)")
    .argument("<address-or-key>", "bech32 address, or the name of a key in the keyring")
    .argument("<coins>", "comma-separated amounts, e.g. 1000ustrike,1000uusdc")
    .action(async (addressOrKey: string, coinsText: string, opts: unknown, self: Command) =>
      (await actions()).addAccount(addressOrKey, coinsText, opts, self),
    );
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
    .action(async (file: string | undefined, opts: unknown, self: Command) =>
      (await actions()).validateGenesis(file, opts, self),
    );
  cmd.addCommand(withExamples(validate, "strike genesis validate --home ~/.strike"));
  cmd.addCommand(genesisAddFeederCommand());
  return cmd;
}
