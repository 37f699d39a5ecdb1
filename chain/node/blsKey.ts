/**
 * The validator's BLS key, `config/bls_key.json` beside eth_key.json: the BLS12-381 key its
 * node signs checkpoints with under the "bls" scheme (BlsSettlement checks the aggregate).
 * Kept unencrypted, mode 0600, like eth_key.json, so that the node signs on its own. The
 * file also holds the public key and its proof of possession (what genesis, the register
 * tx and BlsSettlement.registerKey take), re-derived and checked on load.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { hexlify } from "ethers";
import { blsProofOfPossession, blsPublicKey, blsSecretKeyFromSeed } from "../l1/bls.js";
import { keyFileErrors } from "./home.js";

export { BLS_KEY_FILE } from "./keyFiles.js";

export interface BlsKey {
  /** 32-byte secret scalar. */
  secretKey: Uint8Array;
  /** 128-byte EIP-2537 G1 encoding, 0x hex. */
  publicKey: string;
  /** 256-byte EIP-2537 G2 proof of possession, 0x hex. */
  proofOfPossession: string;
}

function keyOf(secretKey: Uint8Array): BlsKey {
  return { secretKey, publicKey: blsPublicKey(secretKey), proofOfPossession: blsProofOfPossession(secretKey) };
}

export function loadBlsKey(path: string): BlsKey {
  if (!existsSync(path))
    throw keyFileErrors.missingKeyFile(`${path} (created by strike init and strike testnet)`, { path });
  let json: { public_key?: unknown; private_key?: unknown };
  try {
    json = JSON.parse(readFileSync(path, "utf8")) as typeof json;
  } catch {
    throw keyFileErrors.invalidKeyFile(`${path}: not JSON`, { path });
  }
  if (typeof json.private_key !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(json.private_key))
    throw keyFileErrors.invalidKeyFile(`${path}: private_key must be 0x and 64 hex digits`, { path });
  let key: BlsKey;
  try {
    key = keyOf(Uint8Array.from(Buffer.from(json.private_key.slice(2), "hex")));
  } catch {
    throw keyFileErrors.invalidKeyFile(`${path}: private_key is not a BLS12-381 secret`, { path });
  }
  if (typeof json.public_key === "string" && json.public_key.toLowerCase() !== key.publicKey.toLowerCase())
    throw keyFileErrors.invalidKeyFile(`${path}: public_key does not match the key`, { path });
  return key;
}

/** Creates the key file if it is missing (an existing key is kept) and returns the key. */
export function ensureBlsKey(path: string): BlsKey {
  if (existsSync(path)) return loadBlsKey(path);
  const key = keyOf(blsSecretKeyFromSeed(randomBytes(48)));
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const body = {
    public_key: key.publicKey,
    proof_of_possession: key.proofOfPossession,
    private_key: hexlify(key.secretKey),
  };
  writeFileSync(tmp, JSON.stringify(body, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, path);
  return key;
}
