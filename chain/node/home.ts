/**
 * The node's key files, in CometBFT's JSON formats so that its tooling can read them:
 * `config/node_key.json`, `config/priv_validator_key.json` and
 * `data/priv_validator_state.json`. Ed25519 through node:crypto.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  type KeyObject,
} from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { ed25519Address } from "../crypto/ed25519.js";
import { fromBase64, toBase64, toHex } from "../types/bytes.js";
import { registerError } from "../types/errors.js";
import { resolveHomePath, type NodeConfig } from "./config.js";

export const keyFileErrors = {
  invalidKeyFile: registerError("keyfile", 1, "invalid key file"),
  missingKeyFile: registerError("keyfile", 2, "key file not found"),
} as const;

export const ED25519_PUBKEY_TYPE = "tendermint/PubKeyEd25519";
export const ED25519_PRIVKEY_TYPE = "tendermint/PrivKeyEd25519";

export interface Ed25519Key {
  /** 32-byte public key. */
  pubKey: Uint8Array;
  /** 64 bytes: seed || public key, as CometBFT stores it. */
  privKey: Uint8Array;
}

export interface PrivValidatorKey extends Ed25519Key {
  /** First 20 bytes of sha256(pubKey): the CometBFT validator address. */
  address: Uint8Array;
}

export interface PrivValidatorState {
  height: bigint;
  round: number;
  step: number;
  /** Hex sign bytes and base64 signature of the last vote, when one was signed. */
  signature?: string;
  signbytes?: string;
}

export function generateEd25519Key(): Ed25519Key {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  const seed = new Uint8Array(Buffer.from(jwk.d!, "base64url"));
  const pub = new Uint8Array(Buffer.from(jwk.x!, "base64url"));
  const privKey = new Uint8Array(64);
  privKey.set(seed, 0);
  privKey.set(pub, 32);
  return { pubKey: pub, privKey };
}

/** A node:crypto key for signing with a 64-byte CometBFT private key. */
export function ed25519PrivateKeyObject(privKey: Uint8Array): KeyObject {
  return createPrivateKey({
    key: {
      kty: "OKP",
      crv: "Ed25519",
      d: Buffer.from(privKey.subarray(0, 32)).toString("base64url"),
      x: Buffer.from(privKey.subarray(32)).toString("base64url"),
    },
    format: "jwk",
  });
}

export function ed25519Sign(privKey: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(cryptoSign(null, message, ed25519PrivateKeyObject(privKey)));
}

/** The p2p node id: the lower-case hex of the node key's address. */
export function nodeIdOf(key: Ed25519Key): string {
  return toHex(ed25519Address(key.pubKey));
}

function writeJsonAtomic(path: string, value: unknown, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + "\n", { mode });
  renameSync(tmp, path);
}

function readJson(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw keyFileErrors.missingKeyFile(path, { path });
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch {
    throw keyFileErrors.invalidKeyFile(`${path}: not JSON`, { path });
  }
}

function readPrivKey(path: string, obj: unknown, fieldName: string): Ed25519Key {
  const pk = obj as { type?: unknown; value?: unknown } | undefined;
  if (pk?.type !== ED25519_PRIVKEY_TYPE || typeof pk.value !== "string") {
    throw keyFileErrors.invalidKeyFile(
      `${path}: ${fieldName} must be {type: "${ED25519_PRIVKEY_TYPE}", value: base64}`,
      { path },
    );
  }
  const privKey = fromBase64(pk.value);
  if (privKey.length !== 64)
    throw keyFileErrors.invalidKeyFile(`${path}: ${fieldName}.value must be 64 bytes of base64`, { path });
  // The stored public half must match the seed, or signatures would not verify.
  const derived = createPublicKey(ed25519PrivateKeyObject(privKey)).export({ format: "jwk" }).x!;
  if (Buffer.from(derived, "base64url").compare(Buffer.from(privKey.subarray(32))) !== 0) {
    throw keyFileErrors.invalidKeyFile(`${path}: ${fieldName} public half does not match its seed`, { path });
  }
  return { privKey, pubKey: privKey.slice(32) };
}

export function writeNodeKey(path: string, key: Ed25519Key): void {
  writeJsonAtomic(path, { priv_key: { type: ED25519_PRIVKEY_TYPE, value: toBase64(key.privKey) } });
}

export function loadNodeKey(path: string): Ed25519Key {
  return readPrivKey(path, readJson(path)["priv_key"], "priv_key");
}

export function writePrivValidatorKey(path: string, key: Ed25519Key): PrivValidatorKey {
  const address = ed25519Address(key.pubKey);
  writeJsonAtomic(path, {
    address: toHex(address).toUpperCase(),
    pub_key: { type: ED25519_PUBKEY_TYPE, value: toBase64(key.pubKey) },
    priv_key: { type: ED25519_PRIVKEY_TYPE, value: toBase64(key.privKey) },
  });
  return { ...key, address };
}

export function loadPrivValidatorKey(path: string): PrivValidatorKey {
  const json = readJson(path);
  const key = readPrivKey(path, json["priv_key"], "priv_key");
  const address = ed25519Address(key.pubKey);
  if (typeof json["address"] === "string" && json["address"].toUpperCase() !== toHex(address).toUpperCase()) {
    throw keyFileErrors.invalidKeyFile(`${path}: address does not match the key`, { path });
  }
  return { ...key, address };
}

export function writePrivValidatorState(path: string, state: PrivValidatorState): void {
  const out: Record<string, unknown> = { height: state.height.toString(), round: state.round, step: state.step };
  if (state.signature !== undefined) out["signature"] = state.signature;
  if (state.signbytes !== undefined) out["signbytes"] = state.signbytes;
  writeJsonAtomic(path, out);
}

export function loadPrivValidatorState(path: string): PrivValidatorState {
  const json = readJson(path);
  const { height, round, step } = json;
  if (typeof height !== "string" || !/^\d+$/.test(height) || typeof round !== "number" || typeof step !== "number") {
    throw keyFileErrors.invalidKeyFile(`${path}: expected {height: "N", round: N, step: N}`, { path });
  }
  const state: PrivValidatorState = { height: BigInt(height), round, step };
  if (typeof json["signature"] === "string") state.signature = json["signature"];
  if (typeof json["signbytes"] === "string") state.signbytes = json["signbytes"];
  return state;
}

export interface NodeKeys {
  nodeKey: Ed25519Key;
  validatorKey: PrivValidatorKey;
}

/**
 * Creates whichever of the node key, validator key and validator state are missing and
 * returns the keys. Existing keys are kept: replacing a validator key by accident would
 * lose the validator.
 */
export function ensureNodeKeys(home: string, cfg: NodeConfig): NodeKeys {
  const nodeKeyPath = resolveHomePath(home, cfg.nodeKeyFile);
  const pvKeyPath = resolveHomePath(home, cfg.privValidatorKeyFile);
  const pvStatePath = resolveHomePath(home, cfg.privValidatorStateFile);
  if (!existsSync(nodeKeyPath)) writeNodeKey(nodeKeyPath, generateEd25519Key());
  if (!existsSync(pvKeyPath)) writePrivValidatorKey(pvKeyPath, generateEd25519Key());
  if (!existsSync(pvStatePath)) writePrivValidatorState(pvStatePath, { height: 0n, round: 0, step: 0 });
  mkdirSync(resolveHomePath(home, "data"), { recursive: true });
  return { nodeKey: loadNodeKey(nodeKeyPath), validatorKey: loadPrivValidatorKey(pvKeyPath) };
}
