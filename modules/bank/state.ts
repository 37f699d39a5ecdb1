/** bank state: balances per (address, denom), supply per denom, denom metadata, send-enabled flags, params. */
import { Metadata, Params } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import { addressBytesView, addressToBech32, bech32ToAddressBytes } from "../../chain/crypto/address.js";
import { concatBytes, putAscii, utf8 } from "../../chain/types/bytes.js";
import { moduleStorePrefix } from "../../chain/runtime/prefixStore.js";
import {
  Collection,
  Item,
  amountCodec,
  lengthPrefixed,
  stringCodec,
  type Codec,
} from "../../chain/runtime/collection.js";
import {
  BALANCES_PREFIX,
  DENOM_METADATA_PREFIX,
  PARAMS_KEY,
  SEND_ENABLED_PREFIX,
  STORE_KEY,
  SUPPLY_PREFIX,
} from "./keys.js";

export interface BankParams {
  defaultSendEnabled: boolean;
}

const decoder = new TextDecoder();

/**
 * (address, denom) → key 0x02|len|addr|denom; iterating by the address part yields that
 * account's denoms in order. Written in one allocation from the memoised address bytes:
 * every balance read and write of a tx goes through here.
 */
const balanceKeyCodec: Codec<[string, string]> = {
  encode: ([address, denom]) => {
    const addr = addressBytesView(address);
    // utf8() and set(), not encodeInto on a subarray: a view of a small array costs ~700 ns here.
    const d = utf8(denom);
    const out = new Uint8Array(1 + addr.length + d.length);
    out[0] = addr.length;
    out.set(addr, 1);
    out.set(d, 1 + addr.length);
    return out;
  },
  encodeAfter: (head, key) => {
    const [address, denom] = key;
    const addr = addressBytesView(address);
    // An ASCII denom (every denom a chain registers) is its own UTF-8: written in place.
    const at = head.length + 1 + addr.length;
    const out = new Uint8Array(at + denom.length);
    out.set(head, 0);
    out[head.length] = addr.length;
    out.set(addr, head.length + 1);
    return putAscii(out, at, denom) ? out : concatBytes(head, balanceKeyCodec.encode(key));
  },
  decode: (b) => {
    const n = b[0]!;
    return [addressToBech32(b.subarray(1, 1 + n)), decoder.decode(b.subarray(1 + n))];
  },
};

const metadataCodec: Codec<Metadata> = {
  encode: (m) => Metadata.encode(m).finish(),
  decode: (b) => Metadata.decode(b),
};
const boolCodec: Codec<boolean> = { encode: (v) => Uint8Array.of(v ? 1 : 0), decode: (b) => b[0] === 1 };
const paramsCodec: Codec<BankParams> = {
  encode: (p) => Params.encode({ sendEnabled: [], defaultSendEnabled: p.defaultSendEnabled }).finish(),
  decode: (b) => ({ defaultSendEnabled: Params.decode(b).defaultSendEnabled }),
};

export const balances = new Collection<[string, string], bigint>(
  STORE_KEY,
  BALANCES_PREFIX,
  balanceKeyCodec,
  amountCodec,
);
export const supply = new Collection<string, bigint>(STORE_KEY, SUPPLY_PREFIX, stringCodec, amountCodec);
export const denomMetadata = new Collection<string, Metadata>(
  STORE_KEY,
  DENOM_METADATA_PREFIX,
  stringCodec,
  metadataCodec,
);
export const sendEnabled = new Collection<string, boolean>(STORE_KEY, SEND_ENABLED_PREFIX, stringCodec, boolCodec);
export const params = new Item<BankParams>(STORE_KEY, PARAMS_KEY, paramsCodec);

/** The full store key's prefix (module store included) of an account's balances: what a tx's writes name. */
export function storedBalancePrefix(address: string): Uint8Array {
  return concatBytes(moduleStorePrefix(STORE_KEY), BALANCES_PREFIX, addressBalancePrefix(address));
}

/** A stored balance value (`amountCodec`; absent: zero) as an amount. */
export function storedAmount(value: Uint8Array | undefined): bigint {
  return value === undefined ? 0n : amountCodec.decode(value);
}

/** An amount as a stored balance value. */
export function amountValue(amount: bigint): Uint8Array {
  return amountCodec.encode(amount);
}

/** The balance-key part that selects one account's balances (for iteration). */
export function addressBalancePrefix(address: string): Uint8Array {
  return lengthPrefixed(bech32ToAddressBytes(address));
}
