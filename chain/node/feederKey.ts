/**
 * The validator's oracle feeder key, `config/feeder_key.json`: a secp256k1 account key kept
 * unencrypted in the node's home so that the node can sign price votes on its own. It can
 * only spend its own balance (fees); the validator's stake stays with its operator key.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { addressToBech32, secp256k1PubKeyToAddressBytes } from "../crypto/address.js";
import { fromBase64, toBase64 } from "../types/bytes.js";
import { keyFileErrors } from "./home.js";

export const SECP256K1_PRIVKEY_TYPE = "tendermint/PrivKeySecp256k1";

export interface FeederKey {
  /** 32-byte secp256k1 secret. */
  privKey: Uint8Array;
  /** 33-byte compressed public key. */
  pubKey: Uint8Array;
  /** bech32 account address. */
  address: string;
}

function feederKeyOf(privKey: Uint8Array): FeederKey {
  const pubKey = secp256k1.getPublicKey(privKey, true);
  return { privKey, pubKey, address: addressToBech32(secp256k1PubKeyToAddressBytes(pubKey)) };
}

export function loadFeederKey(path: string): FeederKey {
  if (!existsSync(path))
    throw keyFileErrors.missingKeyFile(`${path} (created by strike init and strike testnet)`, { path });
  let json: { address?: unknown; priv_key?: { type?: unknown; value?: unknown } };
  try {
    json = JSON.parse(readFileSync(path, "utf8")) as typeof json;
  } catch {
    throw keyFileErrors.invalidKeyFile(`${path}: not JSON`, { path });
  }
  const pk = json.priv_key;
  if (pk?.type !== SECP256K1_PRIVKEY_TYPE || typeof pk.value !== "string")
    throw keyFileErrors.invalidKeyFile(`${path}: priv_key must be {type: "${SECP256K1_PRIVKEY_TYPE}", value: base64}`, {
      path,
    });
  const privKey = fromBase64(pk.value);
  if (privKey.length !== 32 || !secp256k1.utils.isValidSecretKey(privKey))
    throw keyFileErrors.invalidKeyFile(`${path}: priv_key.value must be a 32-byte secp256k1 secret`, { path });
  const key = feederKeyOf(privKey);
  if (typeof json.address === "string" && json.address !== key.address)
    throw keyFileErrors.invalidKeyFile(`${path}: address does not match the key`, { path });
  return key;
}

/** Creates the key file if it is missing (an existing key is kept) and returns the key. */
export function ensureFeederKey(path: string): FeederKey {
  if (existsSync(path)) return loadFeederKey(path);
  const key = feederKeyOf(secp256k1.utils.randomSecretKey());
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const body = { address: key.address, priv_key: { type: SECP256K1_PRIVKEY_TYPE, value: toBase64(key.privKey) } };
  writeFileSync(tmp, JSON.stringify(body, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, path);
  return key;
}
