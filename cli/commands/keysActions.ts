/** What `strike keys …` do when they run (keys.ts defines them): the keyring and its HD derivation. */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { globalOptions, openKeyring } from "../context.js";
import { cliErrors } from "../errors.js";
import { armorPrivateKey, unarmorPrivateKey } from "../keyring/armor.js";
import { decryptWithPassphrase, encryptWithPassphrase } from "../keyring/cipher.js";
import { cosmosHdPath, deriveFromMnemonic, generateMnemonic } from "../keyring/hd.js";
import type { KeyInfo } from "../keyring/keyring.js";
import { note, print } from "../output.js";
import { confirm, promptLine, promptSecret } from "../prompt.js";

function uintOption(name: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n >= 2 ** 31)
    throw cliErrors.badArgument(`--${name} must be an integer from 0 to 2147483647`);
  return n;
}

function infoJson(k: KeyInfo): Record<string, unknown> {
  return {
    name: k.name,
    type: k.type,
    address: k.address,
    pubkey: { "@type": "/cosmos.crypto.secp256k1.PubKey", key: k.pubKey },
    ...(k.hdPath !== undefined ? { hd_path: k.hdPath } : {}),
  };
}

/** Passphrase of an exported key file: STRIKE_EXPORT_PASSPHRASE, then the keyring's, then a prompt. */
async function exportPassphrase(purpose: "encrypt" | "decrypt"): Promise<string> {
  const env = process.env["STRIKE_EXPORT_PASSPHRASE"] ?? process.env["STRIKE_KEYRING_PASSPHRASE"];
  if (env !== undefined && env !== "") return env;
  const pass = await promptSecret(`Enter passphrase to ${purpose} the exported key: `);
  if (purpose === "encrypt") {
    if (pass.length < 8) throw cliErrors.badPassphrase("the passphrase must have at least 8 characters");
    if ((await promptSecret("Re-enter passphrase: ")) !== pass)
      throw cliErrors.badPassphrase("the passphrases do not match");
  }
  return pass;
}

export async function add(
  name: string,
  opts: { recover: boolean; account: string; index: string; overwrite: boolean },
  self: Command,
): Promise<void> {
  const g = globalOptions(self);
  const kr = openKeyring(g);
  if (kr.has(name) && !opts.overwrite)
    throw cliErrors.badArgument(`a key named "${name}" already exists; pass --overwrite to replace it`);
  const hdPath = cosmosHdPath(uintOption("account", opts.account), uintOption("index", opts.index));
  const mnemonic = opts.recover ? await promptLine("Enter your bip39 mnemonic: ") : generateMnemonic();
  const derived = deriveFromMnemonic(mnemonic, hdPath, kr.prefix);
  const info = await kr.add(name, derived.privKey, { hdPath, overwrite: opts.overwrite });
  const out = opts.recover ? infoJson(info) : { ...infoJson(info), mnemonic };
  print(g.output, out, () =>
    [
      `- name: ${info.name}`,
      `  address: ${info.address}`,
      `  hd_path: ${hdPath}`,
      ...(opts.recover
        ? []
        : [
            "",
            "**Write this mnemonic phrase down and keep it safe. It is the only way to recover this key.**",
            "",
            mnemonic,
          ]),
    ].join("\n"),
  );
}

export async function list(_opts: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const keys = openKeyring(g).list();
  print(g.output, keys.map(infoJson), () =>
    keys.length === 0
      ? "(no keys; create one with `strike keys add NAME`)"
      : keys.map((k) => `${k.name.padEnd(20)} ${k.address}`).join("\n"),
  );
}

export async function show(name: string, opts: { address: boolean }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const info = openKeyring(g).resolve(name);
  if (opts.address) return void process.stdout.write(info.address + "\n");
  print(g.output, infoJson(info));
}

export async function deleteKey(name: string, _opts: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const kr = openKeyring(g);
  const info = kr.get(name);
  if (!g.yes && !(await confirm(`Delete key "${name}" (${info.address})?`))) throw cliErrors.aborted("key not deleted");
  kr.delete(name);
  print(g.output, { deleted: name, address: info.address }, () => `Key "${name}" deleted`);
}

export async function exportKey(name: string, opts: { unsafe: boolean }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const priv = await openKeyring(g).privateKey(name);
  if (opts.unsafe) {
    note("WARNING: this is your unencrypted private key; anyone who sees it controls the account.");
    process.stdout.write(Buffer.from(priv).toString("hex") + "\n");
    return;
  }
  process.stdout.write(armorPrivateKey(encryptWithPassphrase(priv, await exportPassphrase("encrypt")), "secp256k1"));
}

export async function importKey(
  name: string,
  file: string,
  opts: { overwrite: boolean },
  self: Command,
): Promise<void> {
  const g = globalOptions(self);
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch (e) {
    throw cliErrors.badArgument(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? "read error"}`);
  }
  let priv: Uint8Array;
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(text)) priv = new Uint8Array(Buffer.from(text.replace(/^0x/, ""), "hex"));
  else {
    const { blob, algo } = unarmorPrivateKey(text);
    if (algo !== "secp256k1") throw cliErrors.badArgument(`${file}: key type ${algo} is not supported`);
    priv = decryptWithPassphrase(blob, await exportPassphrase("decrypt"), file);
  }
  const info = await openKeyring(g).add(name, priv, { overwrite: opts.overwrite });
  print(g.output, infoJson(info), () => `Imported "${name}": ${info.address}`);
}
