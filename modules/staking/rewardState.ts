/** Reward state: per-validator reward-per-share accumulators, delegation snapshots, commission, outstanding, community pool. */
import { addressBytesView, addressToBech32 } from "../../chain/crypto/address.js";
import { amountCodec, lengthPrefixed, type StoreSource } from "../../chain/runtime/collection.js";
import type { Coin } from "../../chain/runtime/coins.js";
import { concatBytes, fromUtf8, prefixEnd, utf8 } from "../../chain/types/bytes.js";
import {
  COMMISSION_PREFIX,
  COMMUNITY_POOL_PREFIX,
  OUTSTANDING_PREFIX,
  REWARD_PER_SHARE_PREFIX,
  REWARD_SNAPSHOT_PREFIX,
  STORE_KEY,
} from "./keys.js";

const kv = (src: StoreSource) => src.kv(STORE_KEY);
const addr = (a: string) => lengthPrefixed(addressBytesView(a));

/** An amount per denom under a key prefix: zero amounts are deleted, iteration is in denom order. */
class DenomAmounts {
  constructor(private readonly prefix: Uint8Array) {}

  get(src: StoreSource, key: Uint8Array, denom: string): bigint {
    const raw = kv(src).get(concatBytes(this.prefix, key, utf8(denom)));
    return raw === undefined ? 0n : amountCodec.decode(raw);
  }

  set(src: StoreSource, key: Uint8Array, denom: string, amount: bigint): void {
    const k = concatBytes(this.prefix, key, utf8(denom));
    if (amount === 0n) kv(src).delete(k);
    else kv(src).set(k, amountCodec.encode(amount));
  }

  add(src: StoreSource, key: Uint8Array, denom: string, amount: bigint): void {
    if (amount !== 0n) this.set(src, key, denom, this.get(src, key, denom) + amount);
  }

  /** Every denom with its amount under `key`, in denom order. */
  all(src: StoreSource, key: Uint8Array): Coin[] {
    const start = concatBytes(this.prefix, key);
    const out: Coin[] = [];
    for (const [k, v] of kv(src).iterator(start, prefixEnd(start)))
      out.push({ denom: fromUtf8(k.subarray(start.length)), amount: amountCodec.decode(v) });
    return out;
  }

  /** Every (key bytes, denom, amount) under the prefix; the caller splits the key. */
  *entries(src: StoreSource): IterableIterator<[Uint8Array, bigint]> {
    for (const [k, v] of kv(src).iterator(this.prefix, prefixEnd(this.prefix)))
      yield [k.subarray(this.prefix.length), amountCodec.decode(v)];
  }
}

export const rewardPerShare = new DenomAmounts(REWARD_PER_SHARE_PREFIX);
export const rewardSnapshot = new DenomAmounts(REWARD_SNAPSHOT_PREFIX);
export const commission = new DenomAmounts(COMMISSION_PREFIX);
export const outstanding = new DenomAmounts(OUTSTANDING_PREFIX);
export const communityPool = new DenomAmounts(COMMUNITY_POOL_PREFIX);

export const validatorKey = (validator: string): Uint8Array => addr(validator);
export const delegationKey = (delegator: string, validator: string): Uint8Array =>
  concatBytes(addr(delegator), addr(validator));
export const NO_KEY = new Uint8Array(0);

/** Splits a (validator, denom) key part. */
export function splitValidatorDenom(k: Uint8Array): [string, string] {
  const n = k[0]!;
  return [addressToBech32(k.subarray(1, 1 + n)), fromUtf8(k.subarray(1 + n))];
}

/** Splits a (delegator, validator, denom) key part. */
export function splitDelegationDenom(k: Uint8Array): [string, string, string] {
  const n = k[0]!;
  const delegator = addressToBech32(k.subarray(1, 1 + n));
  const [validator, denom] = splitValidatorDenom(k.subarray(1 + n));
  return [delegator, validator, denom];
}
