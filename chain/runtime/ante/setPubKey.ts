/**
 * Each signer's SignerInfo must carry a compressed secp256k1 key that hashes to the signer's
 * address; the key is stored on the account at its first tx. Emits Cosmos' `tx` events
 * (acc_seq, signature) that explorers and tx search use.
 */
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { addressToBech32, secp256k1PubKeyToAddressBytes } from "../../crypto/address.js";
import { isCompressedSecp256k1PubKey } from "../../crypto/secp256k1.js";
import { latin1, toBase64 } from "../../types/bytes.js";
import { sdkErrors } from "../../types/errors.js";
import type { AnteStep } from "./types.js";

export const SECP256K1_PUBKEY_TYPE_URL = "/cosmos.crypto.secp256k1.PubKey";

/**
 * Valid keys seen recently, by their encoded PubKey bytes, with the address they hash to:
 * a sender's key arrives with every tx, and checking the point and hashing it is the
 * costly part. Only keys that passed every check are kept; bounded, cleared when full.
 */
const knownKeys = new Map<string, { key: Uint8Array; address: string }>();
const KNOWN_KEYS_LIMIT = 50_000;

function knownKey(encoded: Uint8Array): { key: Uint8Array; address: string } | undefined {
  return knownKeys.get(latin1(encoded));
}

/** The signer's public key from its SignerInfo, or undefined when absent (allowed in simulation only). */
export function signerPubKey(
  any: { typeUrl: string; value: Uint8Array } | undefined,
  index: number,
): Uint8Array | undefined {
  if (any === undefined) return undefined;
  if (any.typeUrl !== SECP256K1_PUBKEY_TYPE_URL)
    throw sdkErrors.invalidPubKey(`unsupported key type ${any.typeUrl} at signer index ${index}`);
  const known = knownKey(any.value);
  if (known !== undefined) return known.key;
  let key: Uint8Array;
  try {
    key = PubKey.decode(any.value).key;
  } catch {
    throw sdkErrors.invalidPubKey(`malformed public key at signer index ${index}`);
  }
  if (!isCompressedSecp256k1PubKey(key))
    throw sdkErrors.invalidPubKey(`not a compressed secp256k1 key at signer index ${index}`);
  if (knownKeys.size >= KNOWN_KEYS_LIMIT) knownKeys.clear();
  knownKeys.set(latin1(any.value), {
    key,
    address: addressToBech32(secp256k1PubKeyToAddressBytes(key)),
  });
  return key;
}

function addressOfKey(encoded: Uint8Array, key: Uint8Array): string {
  return knownKey(encoded)?.address ?? addressToBech32(secp256k1PubKeyToAddressBytes(key));
}

export const setPubKey: AnteStep = (ctx, tx, env) => {
  tx.signers.forEach((signer, i) => {
    const info = tx.authInfo.signerInfos[i]!;
    const key = signerPubKey(info.publicKey, i);
    const account = env.accounts.getAccount(ctx, signer);
    if (account === undefined) throw sdkErrors.unknownAddress(`account ${signer} does not exist`);
    if (key === undefined) {
      if (ctx.mode !== "simulate") throw sdkErrors.invalidPubKey(`missing public key at signer index ${i}`);
    } else {
      if (addressOfKey(info.publicKey!.value, key) !== signer) {
        throw sdkErrors.invalidPubKey(`pubKey does not match signer address ${signer} with signer index: ${i}`);
      }
      if (account.pubKey === undefined) {
        env.accounts.setAccount(ctx, { ...account, pubKey: key });
        env.accounts.pubKeySet?.(ctx, signer);
      }
    }
    ctx.events.emit("tx", [["acc_seq", `${signer}/${info.sequence}`]]);
    ctx.events.emit("tx", [["signature", toBase64(tx.signatures[i]!)]]);
  });
};
