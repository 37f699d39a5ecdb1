/**
 * The validator's Ethereum key, `config/eth_key.json` beside priv_validator_key.json: the
 * secp256k1 key its node signs checkpoints with (the settlement contract checks them with
 * ecrecover). Kept unencrypted, mode 0600, so that the node signs on its own; it holds no
 * funds and signs nothing but checkpoint digests and its own registration.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Wallet, computeAddress, SigningKey } from "ethers";
import { keyFileErrors } from "./home.js";

export { ETH_KEY_FILE } from "./keyFiles.js";

export interface EthKey {
  /** 0x-prefixed 32-byte secret. */
  privateKey: string;
  /** Checksummed 0x address. */
  address: string;
}

export function loadEthKey(path: string): EthKey {
  if (!existsSync(path))
    throw keyFileErrors.missingKeyFile(`${path} (created by strike init and strike testnet)`, { path });
  let json: { address?: unknown; private_key?: unknown };
  try {
    json = JSON.parse(readFileSync(path, "utf8")) as typeof json;
  } catch {
    throw keyFileErrors.invalidKeyFile(`${path}: not JSON`, { path });
  }
  if (typeof json.private_key !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(json.private_key))
    throw keyFileErrors.invalidKeyFile(`${path}: private_key must be 0x and 64 hex digits`, { path });
  let address: string;
  try {
    address = computeAddress(new SigningKey(json.private_key).publicKey);
  } catch {
    throw keyFileErrors.invalidKeyFile(`${path}: private_key is not a secp256k1 secret`, { path });
  }
  if (typeof json.address === "string" && json.address.toLowerCase() !== address.toLowerCase())
    throw keyFileErrors.invalidKeyFile(`${path}: address does not match the key`, { path });
  return { privateKey: json.private_key, address };
}

/** Creates the key file if it is missing (an existing key is kept) and returns the key. */
export function ensureEthKey(path: string): EthKey {
  if (existsSync(path)) return loadEthKey(path);
  const wallet = Wallet.createRandom();
  const key = { privateKey: wallet.privateKey, address: wallet.address };
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify({ address: key.address, private_key: key.privateKey }, null, 2) + "\n", {
    mode: 0o600,
  });
  renameSync(tmp, path);
  return key;
}
