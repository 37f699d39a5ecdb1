/** BIP39 mnemonics and BIP32/BIP44 derivation of Cosmos secp256k1 account keys. */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { HDKey } from "@scure/bip32";
import { generateMnemonic as bip39Generate, mnemonicToSeedSync, validateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { addressToBech32, secp256k1PubKeyToAddressBytes } from "../../chain/crypto/address.js";
import { BECH32_PREFIX } from "../../genesis/constants.js";
import { keyringErrors } from "./errors.js";

/** Cosmos' coin type: every Cosmos wallet derives m/44'/118'/account'/0/index. */
export const COSMOS_COIN_TYPE = 118;

export function cosmosHdPath(account = 0, index = 0): string {
  return `m/44'/${COSMOS_COIN_TYPE}'/${account}'/0/${index}`;
}

/** A fresh 24-word English mnemonic (256 bits of entropy). */
export function generateMnemonic(): string {
  return bip39Generate(wordlist, 256);
}

export function normalizeMnemonic(m: string): string {
  return m.trim().toLowerCase().split(/\s+/).join(" ");
}

export interface DerivedKey {
  privKey: Uint8Array;
  /** 33-byte compressed secp256k1 public key. */
  pubKey: Uint8Array;
  address: string;
  hdPath: string;
}

export function deriveFromMnemonic(mnemonic: string, hdPath: string, prefix = BECH32_PREFIX): DerivedKey {
  const m = normalizeMnemonic(mnemonic);
  if (!validateMnemonic(m, wordlist))
    throw keyringErrors.invalidMnemonic("the words are not a valid English BIP39 mnemonic");
  const node = HDKey.fromMasterSeed(mnemonicToSeedSync(m)).derive(hdPath);
  if (node.privateKey === null) throw keyringErrors.invalidMnemonic(`cannot derive a private key at ${hdPath}`);
  const privKey = node.privateKey;
  const pubKey = secp256k1.getPublicKey(privKey, true);
  return { privKey, pubKey, address: addressFromPubKey(pubKey, prefix), hdPath };
}

export function pubKeyFromPrivKey(privKey: Uint8Array): Uint8Array {
  return secp256k1.getPublicKey(privKey, true);
}

/** Cosmos account address: bech32(ripemd160(sha256(compressed pubkey))). */
export function addressFromPubKey(pubKey: Uint8Array, prefix = BECH32_PREFIX): string {
  return addressToBech32(secp256k1PubKeyToAddressBytes(pubKey), prefix);
}
