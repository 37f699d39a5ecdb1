/** `strike keys …`: the local keyring of account (secp256k1) keys. */
import { Command, Option } from "commander";
import { withExamples } from "../help.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./keysActions.js");

function addCommand(): Command {
  return withExamples(
    new Command("add")
      .description("Create a key from a new 24-word mnemonic (or recover one with --recover) and print its address")
      .argument("<name>", "key name")
      .option("--recover", "ask for an existing mnemonic instead of generating one", false)
      .option("--account <n>", "HD account number", "0")
      .option("--index <n>", "HD address index", "0")
      .option("--overwrite", "replace an existing key with this name", false)
      .action(
        async (
          name: string,
          opts: { recover: boolean; account: string; index: string; overwrite: boolean },
          self: Command,
        ) => (await actions()).add(name, opts, self),
      ),
    "strike keys add alice",
    "strike keys add alice --recover --index 1 --keyring-backend test",
  );
}

function listCommand(): Command {
  return withExamples(
    new Command("list")
      .description("List the keys of the keyring")
      .action(async (opts: unknown, self: Command) => (await actions()).list(opts, self)),
    "strike keys list --output json",
  );
}

function showCommand(): Command {
  return withExamples(
    new Command("show")
      .description("Show a key's address and public key")
      .argument("<name>", "key name or address")
      .option("-a, --address", "print the address alone", false)
      .action(async (name: string, opts: { address: boolean }, self: Command) =>
        (await actions()).show(name, opts, self),
      ),
    "strike keys show alice -a",
  );
}

function deleteCommand(): Command {
  return withExamples(
    new Command("delete")
      .description("Delete a key from the keyring (it cannot be recovered without its mnemonic)")
      .argument("<name>", "key name")
      .action(async (name: string, opts: unknown, self: Command) => (await actions()).deleteKey(name, opts, self)),
    "strike keys delete alice --yes",
  );
}

function exportCommand(): Command {
  return withExamples(
    new Command("export")
      .description("Print a key's private key, encrypted with a passphrase (or as raw hex with --unsafe)")
      .argument("<name>", "key name")
      .option("--unsafe", "print the unencrypted private key as hex", false)
      .action(async (name: string, opts: { unsafe: boolean }, self: Command) =>
        (await actions()).exportKey(name, opts, self),
      ),
    "strike keys export alice > alice.key",
    "strike keys export alice --unsafe --keyring-backend test",
  );
}

function importCommand(): Command {
  return withExamples(
    new Command("import")
      .description("Import a key from a file written by `keys export` (armored, or hex with --unsafe)")
      .argument("<name>", "new key name")
      .argument("<file>", "key file")
      .addOption(new Option("--overwrite", "replace an existing key with this name").default(false))
      .action(async (name: string, file: string, opts: { overwrite: boolean }, self: Command) =>
        (await actions()).importKey(name, file, opts, self),
      ),
    "strike keys import alice alice.key",
  );
}

export function keysCommand(): Command {
  const cmd = new Command("keys").description("Manage the local keyring of account keys");
  withExamples(cmd, "strike keys add alice --keyring-backend test");
  for (const c of [addCommand(), listCommand(), showCommand(), deleteCommand(), exportCommand(), importCommand()])
    cmd.addCommand(c);
  return cmd;
}
