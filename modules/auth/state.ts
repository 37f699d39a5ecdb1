/**
 * auth state. Accounts are stored as protobuf `Any` (BaseAccount or ModuleAccount), the
 * same bytes Cosmos stores, so that the Account query returns them unchanged.
 */
import { BaseAccount, ModuleAccount, Params } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { Any } from "cosmjs-types/google/protobuf/any";
import { addressBytesView, addressToBech32 } from "../../chain/crypto/address.js";
import { Collection, Item, bytesCodec, u64Codec, type Codec } from "../../chain/runtime/collection.js";
import { sdkErrors } from "../../chain/types/errors.js";
import { decodeBaseAccountAny, encodeBaseAccountAny } from "./accountCodec.js";
import {
  ACCOUNT_PREFIX,
  BASE_ACCOUNT_TYPE_URL,
  GLOBAL_ACCOUNT_NUMBER_KEY,
  MODULE_ACCOUNT_TYPE_URL,
  PARAMS_KEY,
  SECP256K1_PUBKEY_TYPE_URL,
  STORE_KEY,
} from "./keys.js";

export interface Account {
  address: string;
  /** Compressed secp256k1 key, set at the account's first signed tx. */
  pubKey: Uint8Array | undefined;
  accountNumber: bigint;
  sequence: bigint;
  /** Present for module accounts (fee_collector, …). */
  module?: { name: string; permissions: string[] };
}

export interface AuthParams {
  maxMemoCharacters: bigint;
  txSigLimit: bigint;
  txSizeCostPerByte: bigint;
  sigVerifyCostEd25519: bigint;
  sigVerifyCostSecp256k1: bigint;
}

export const DEFAULT_AUTH_PARAMS: AuthParams = {
  maxMemoCharacters: 256n,
  txSigLimit: 7n,
  txSizeCostPerByte: 10n,
  sigVerifyCostEd25519: 590n,
  sigVerifyCostSecp256k1: 1000n,
};

export function pubKeyToAny(key: Uint8Array): Any {
  return Any.fromPartial({ typeUrl: SECP256K1_PUBKEY_TYPE_URL, value: PubKey.encode({ key }).finish() });
}

export function accountToAny(acc: Account): Any {
  const base = BaseAccount.fromPartial({
    address: acc.address,
    accountNumber: acc.accountNumber,
    sequence: acc.sequence,
    ...(acc.pubKey === undefined ? {} : { pubKey: pubKeyToAny(acc.pubKey) }),
  });
  if (acc.module !== undefined) {
    const value = ModuleAccount.encode({
      baseAccount: base,
      name: acc.module.name,
      permissions: acc.module.permissions,
    }).finish();
    return Any.fromPartial({ typeUrl: MODULE_ACCOUNT_TYPE_URL, value });
  }
  return Any.fromPartial({ typeUrl: BASE_ACCOUNT_TYPE_URL, value: BaseAccount.encode(base).finish() });
}

function baseToAccount(base: BaseAccount): Omit<Account, "module"> {
  let pubKey: Uint8Array | undefined;
  if (base.pubKey !== undefined) {
    if (base.pubKey.typeUrl !== SECP256K1_PUBKEY_TYPE_URL)
      throw sdkErrors.invalidPubKey(`unsupported key type ${base.pubKey.typeUrl}`);
    pubKey = PubKey.decode(base.pubKey.value).key;
  }
  return { address: base.address, pubKey, accountNumber: base.accountNumber, sequence: base.sequence };
}

export function accountFromAny(any: Any): Account {
  if (any.typeUrl === BASE_ACCOUNT_TYPE_URL) return baseToAccount(BaseAccount.decode(any.value));
  if (any.typeUrl === MODULE_ACCOUNT_TYPE_URL) {
    const m = ModuleAccount.decode(any.value);
    const base = baseToAccount(m.baseAccount ?? BaseAccount.fromPartial({}));
    return { ...base, module: { name: m.name, permissions: m.permissions } };
  }
  throw sdkErrors.invalidType(`unknown account type ${any.typeUrl}`);
}

/**
 * Decoded accounts by the identity of the stored value: the ante handler reads the same
 * account bytes up to four times per tx, and stores hand back the object they were given.
 * Callers get their own shallow copy.
 */
const decodedAccounts = new WeakMap<Uint8Array, Account>();

/** A caller's own copy of an account: changing it changes nothing held elsewhere. */
function copyAccount(acc: Account): Account {
  return acc.module === undefined
    ? { ...acc }
    : { ...acc, module: { name: acc.module.name, permissions: [...acc.module.permissions] } };
}

const accountCodec: Codec<Account> = {
  encode: (acc) => (acc.module === undefined ? encodeBaseAccountAny(acc) : Any.encode(accountToAny(acc)).finish()),
  decode: (b) => {
    let acc = decodedAccounts.get(b);
    if (acc === undefined) {
      acc = decodeBaseAccountAny(b) ?? accountFromAny(Any.decode(b));
      decodedAccounts.set(b, acc);
    }
    return copyAccount(acc);
  },
};

const addressKeyCodec: Codec<string> = {
  // A view of the memoised bytes, no copy: storeKeyOf copies it into the key.
  encode: (address) => addressBytesView(address),
  decode: (bytes) => addressToBech32(bytes),
};

const paramsCodec: Codec<AuthParams> = {
  encode: (p) => Params.encode(p).finish(),
  decode: (b) => Params.decode(b),
};

/**
 * Read by the ante up to four times per tx, in CheckTx, the sequencer's execution, the
 * block's and the recheck: answered from memory (chain/runtime/valueCache.ts), decoded once
 * per stored value. A committed account comes out of the store as new bytes at every read,
 * so the decode memo above alone missed every time.
 */
export const accounts = new Collection<string, Account>(STORE_KEY, ACCOUNT_PREFIX, addressKeyCodec, accountCodec, {
  copy: copyAccount,
});
/** Read by four ante steps per tx: answered from memory (chain/runtime/valueCache.ts). */
export const params = new Item<AuthParams>(STORE_KEY, PARAMS_KEY, paramsCodec, { copy: (p) => ({ ...p }) });
export const nextAccountNumber = new Item<bigint>(STORE_KEY, GLOBAL_ACCOUNT_NUMBER_KEY, u64Codec);
/** Raw Any bytes, for the Account query (no decode/encode round trip). */
export const rawAccounts = new Collection<string, Uint8Array>(STORE_KEY, ACCOUNT_PREFIX, addressKeyCodec, bytesCodec);
