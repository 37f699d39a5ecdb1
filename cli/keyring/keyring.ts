/**
 * The local keyring: one JSON file per key under `<home>/keyring-<backend>/`, as the
 * Cosmos SDK lays it out. Public data (name, address, public key) is stored in clear so
 * that `keys list`/`show` need no passphrase; the private key is encrypted with the
 * keyring passphrase in the `file` backend and stored in clear in the `test` backend.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeBech32 } from "../../genesis/address.js";
import { BECH32_PREFIX } from "../../genesis/constants.js";
import {
  checkPassphrase,
  decryptWithPassphrase,
  encryptWithPassphrase,
  hashPassphrase,
  isEncryptedBlob,
  type EncryptedBlob,
  type PassphraseHash,
  type ScryptParams,
} from "./cipher.js";
import { keyringErrors } from "./errors.js";
import { addressFromPubKey, pubKeyFromPrivKey } from "./hd.js";

export type KeyringBackend = "file" | "test";

export interface KeyInfo {
  name: string;
  type: "local";
  algo: "secp256k1";
  address: string;
  /** Base64 of the 33-byte compressed public key. */
  pubKey: string;
  /** Present when the key was derived from a mnemonic. */
  hdPath?: string;
}

interface StoredKey extends KeyInfo {
  privKey: { encrypted: EncryptedBlob } | { hex: string };
}

/**
 * Asks for the keyring passphrase. `creating` is true when the keyring has none yet, so
 * the prompt can ask twice.
 */
export type PassphraseSource = (request: { creating: boolean; keyringDir: string }) => Promise<string>;

export interface KeyringOptions {
  home: string;
  backend: KeyringBackend;
  passphrase?: PassphraseSource;
  prefix?: string;
  /** Tests lower the scrypt cost. */
  scrypt?: ScryptParams;
}

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
const PASSPHRASE_HASH_FILE = "keyhash";

export class Keyring {
  readonly dir: string;
  readonly backend: KeyringBackend;
  readonly prefix: string;
  private readonly passphraseSource: PassphraseSource | undefined;
  private readonly scrypt: ScryptParams | undefined;
  private passphrase: string | undefined;

  constructor(options: KeyringOptions) {
    this.backend = options.backend;
    this.dir = join(options.home, `keyring-${options.backend}`);
    this.prefix = options.prefix ?? BECH32_PREFIX;
    this.passphraseSource = options.passphrase;
    this.scrypt = options.scrypt;
  }

  list(): KeyInfo[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => publicInfo(this.readFile(join(this.dir, f))));
  }

  has(name: string): boolean {
    return KEY_NAME.test(name) && existsSync(this.pathOf(name));
  }

  get(name: string): KeyInfo {
    return publicInfo(this.read(name));
  }

  /** A key by name, or by address if `nameOrAddress` is one of the keyring's addresses. */
  resolve(nameOrAddress: string): KeyInfo {
    if (this.has(nameOrAddress)) return this.get(nameOrAddress);
    if (nameOrAddress.startsWith(`${this.prefix}1`)) {
      const found = this.list().find((k) => k.address === nameOrAddress);
      if (found !== undefined) return found;
      throw keyringErrors.keyNotFound(`no key in ${this.dir} has address ${nameOrAddress}`);
    }
    return this.get(nameOrAddress);
  }

  async add(
    name: string,
    privKey: Uint8Array,
    options: { hdPath?: string; overwrite?: boolean } = {},
  ): Promise<KeyInfo> {
    checkName(name);
    if (this.has(name) && options.overwrite !== true)
      throw keyringErrors.keyExists(`a key named "${name}" already exists in ${this.dir}`);
    const pub = pubKeyFromPrivKey(privKey);
    const info: KeyInfo = {
      name,
      type: "local",
      algo: "secp256k1",
      address: addressFromPubKey(pub, this.prefix),
      pubKey: Buffer.from(pub).toString("base64"),
    };
    if (options.hdPath !== undefined) info.hdPath = options.hdPath;
    const stored: StoredKey = {
      ...info,
      privKey:
        this.backend === "test"
          ? { hex: Buffer.from(privKey).toString("hex") }
          : { encrypted: encryptWithPassphrase(privKey, await this.unlock(), this.scrypt) },
    };
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const path = this.pathOf(name);
    writeFileSync(`${path}.tmp`, JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
    return info;
  }

  delete(name: string): void {
    this.read(name);
    rmSync(this.pathOf(name));
  }

  /** The raw secp256k1 private key; asks for the passphrase in the file backend. */
  async privateKey(name: string): Promise<Uint8Array> {
    const stored = this.read(name);
    if ("hex" in stored.privKey) return new Uint8Array(Buffer.from(stored.privKey.hex, "hex"));
    return decryptWithPassphrase(stored.privKey.encrypted, await this.unlock(), `key "${name}"`);
  }

  /**
   * Gets the passphrase once per process and checks it against the keyring's verifier,
   * creating the verifier with the first key.
   */
  private async unlock(): Promise<string> {
    if (this.passphrase !== undefined) return this.passphrase;
    const hashPath = join(this.dir, PASSPHRASE_HASH_FILE);
    const creating = !existsSync(hashPath);
    if (this.passphraseSource === undefined)
      throw keyringErrors.noPassphrase("set STRIKE_KEYRING_PASSPHRASE or run in a terminal");
    const pass = await this.passphraseSource({ creating, keyringDir: this.dir });
    if (creating) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(hashPath, JSON.stringify(hashPassphrase(pass, this.scrypt)) + "\n", { mode: 0o600 });
    } else {
      const verifier = JSON.parse(readFileSync(hashPath, "utf8")) as PassphraseHash;
      if (!checkPassphrase(verifier, pass))
        throw keyringErrors.wrongPassphrase(`the passphrase does not unlock the keyring in ${this.dir}`);
    }
    this.passphrase = pass;
    return pass;
  }

  private pathOf(name: string): string {
    return join(this.dir, `${name}.json`);
  }

  private read(name: string): StoredKey {
    checkName(name);
    const path = this.pathOf(name);
    if (!existsSync(path)) {
      throw keyringErrors.keyNotFound(
        `no key named "${name}" in ${this.dir} (see \`strike keys list --keyring-backend ${this.backend}\`)`,
      );
    }
    return this.readFile(path);
  }

  private readFile(path: string): StoredKey {
    let v: StoredKey;
    try {
      v = JSON.parse(readFileSync(path, "utf8")) as StoredKey;
    } catch {
      throw keyringErrors.invalidKeyFile(`${path} is not valid JSON`);
    }
    const pk = v.privKey as unknown as Record<string, unknown> | undefined;
    if (
      typeof v.name !== "string" ||
      typeof v.address !== "string" ||
      pk === undefined ||
      !(typeof pk["hex"] === "string" || isEncryptedBlob(pk["encrypted"]))
    ) {
      throw keyringErrors.invalidKeyFile(`${path} is not a Strike key file`);
    }
    return v;
  }
}

function checkName(name: string): void {
  if (!KEY_NAME.test(name))
    throw keyringErrors.invalidKeyName(`"${name}": use letters, digits, '_', '.', '-' (at most 64)`);
}

function publicInfo(s: StoredKey): KeyInfo {
  const info: KeyInfo = { name: s.name, type: s.type, algo: s.algo, address: s.address, pubKey: s.pubKey };
  if (s.hdPath !== undefined) info.hdPath = s.hdPath;
  return info;
}

/** True if `s` is a bech32 address with this prefix (rather than a key name). */
export function isBech32Address(s: string, prefix = BECH32_PREFIX): boolean {
  return decodeBech32(s)?.prefix === prefix;
}
