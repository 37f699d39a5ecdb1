/**
 * staking state: validators with their indexes (by consensus address, by power), the last
 * validator set, delegations, unbonding entries with their queues, params. Reward state
 * lives in rewardState.ts.
 */
import {
  BondStatus,
  Params,
  UnbondingEntry,
  Validator,
} from "../../chain/codec/generated/strike/staking/v1/staking.js";
import { addressBytesView, addressToBech32 } from "../../chain/crypto/address.js";
import { ed25519Address } from "../../chain/crypto/ed25519.js";
import {
  Item,
  amountCodec,
  lengthPrefixed,
  u64Codec,
  type Codec,
  type StoreSource,
} from "../../chain/runtime/collection.js";
import { moduleStorePrefixS } from "../../chain/runtime/prefixStore.js";
import { cachedRead, UNCACHED } from "../../chain/runtime/valueCache.js";
import { keyString } from "../../chain/store/sortedKeys.js";
import { concatBytes, prefixEnd, readU64be, u64be } from "../../chain/types/bytes.js";
import { decFromString, decToString, type Dec } from "../../chain/types/fixed/index.js";
import {
  BOND_DENOM,
  DELEGATIONS_PREFIX,
  LAST_POWER_PREFIX,
  NEXT_UNBONDING_ID_KEY,
  PARAMS_KEY,
  POWER_INDEX_PREFIX,
  STORE_KEY,
  UNBONDING_BY_DELEGATOR_PREFIX,
  UNBONDING_BY_VALIDATOR_PREFIX,
  UNBONDING_PREFIX,
  UNBONDING_QUEUE_PREFIX,
  VALIDATORS_BY_CONS_PREFIX,
  VALIDATORS_PREFIX,
} from "./keys.js";
import { encodeMessage } from "../../chain/codec/encode.js";

export interface StakingParams {
  unbondingTimeSeconds: bigint;
  maxValidators: number;
  bondDenom: string;
  powerReduction: bigint;
}

export function defaultStakingParams(): StakingParams {
  return { unbondingTimeSeconds: 1_814_400n, maxValidators: 100, bondDenom: BOND_DENOM, powerReduction: 1_000_000n };
}

export interface CommissionRecord {
  rate: Dec;
  maxRate: Dec;
  maxChangeRate: Dec;
  /** Unix seconds of the last rate change. */
  updateTime: bigint;
}

/** A validator as the keeper works with it: amounts as bigints, shares and rates as Dec. */
export interface ValidatorRecord {
  operator: string;
  pubKey: Uint8Array;
  moniker: string;
  bonded: boolean;
  jailed: boolean;
  tokens: bigint;
  shares: Dec;
  commission: CommissionRecord;
}

const kv = (src: StoreSource) => src.kv(STORE_KEY);
const EMPTY = new Uint8Array(0);
const U64_MAX = (1n << 64n) - 1n;
const addr = (a: string) => lengthPrefixed(addressBytesView(a));

/** Reads a length-prefixed address at `at`; returns it and the offset after it. */
function readAddress(b: Uint8Array, at: number): [string, number] {
  const n = b[at]!;
  return [addressToBech32(b.subarray(at + 1, at + 1 + n)), at + 1 + n];
}

export function validatorToProto(v: ValidatorRecord): Validator {
  return {
    operatorAddress: v.operator,
    consensusPubkey: v.pubKey,
    moniker: v.moniker,
    status: v.bonded ? BondStatus.BOND_STATUS_BONDED : BondStatus.BOND_STATUS_UNBONDED,
    jailed: v.jailed,
    tokens: v.tokens.toString(),
    delegatorShares: decToString(v.shares),
    commission: {
      rate: decToString(v.commission.rate),
      maxRate: decToString(v.commission.maxRate),
      maxChangeRate: decToString(v.commission.maxChangeRate),
      updateTime: v.commission.updateTime,
    },
  };
}

export function validatorFromProto(p: Validator): ValidatorRecord {
  const c = p.commission!;
  return {
    operator: p.operatorAddress,
    pubKey: p.consensusPubkey,
    moniker: p.moniker,
    bonded: p.status === BondStatus.BOND_STATUS_BONDED,
    jailed: p.jailed,
    tokens: BigInt(p.tokens),
    shares: decFromString(p.delegatorShares),
    commission: {
      rate: decFromString(c.rate),
      maxRate: decFromString(c.maxRate),
      maxChangeRate: decFromString(c.maxChangeRate),
      updateTime: c.updateTime,
    },
  };
}

export const paramsCodec: Codec<StakingParams> = {
  encode: (p) =>
    encodeMessage(Params, {
      unbondingTimeSeconds: p.unbondingTimeSeconds,
      maxValidators: p.maxValidators,
      bondDenom: p.bondDenom,
      powerReduction: p.powerReduction.toString(),
    }),
  decode: (b) => {
    const p = Params.decode(b);
    return {
      unbondingTimeSeconds: p.unbondingTimeSeconds,
      maxValidators: p.maxValidators,
      bondDenom: p.bondDenom,
      powerReduction: BigInt(p.powerReduction),
    };
  },
};
const paramsItem = new Item<StakingParams>(STORE_KEY, PARAMS_KEY, paramsCodec, { copy: (p) => ({ ...p }) });

export function getParams(src: StoreSource): StakingParams {
  return paramsItem.get(src) ?? defaultStakingParams();
}
export function setParams(src: StoreSource, p: StakingParams): void {
  paramsItem.set(src, p);
}

// Validators and their indexes.

const MODULE_S = moduleStorePrefixS(STORE_KEY);
const decodeValidator = (b: Uint8Array): ValidatorRecord => validatorFromProto(Validator.decode(b));

/**
 * A validator, read every block for each member of the set (signatures, the checkpoint set,
 * the election): answered from memory (chain/runtime/valueCache.ts), handed out as a copy.
 */
export function getValidator(src: StoreSource, operator: string): ValidatorRecord | undefined {
  const key = concatBytes(VALIDATORS_PREFIX, addr(operator));
  const hit = cachedRead(src, MODULE_S + keyString(key), decodeValidator);
  if (hit !== UNCACHED)
    return hit === undefined ? undefined : { ...hit, pubKey: hit.pubKey.slice(), commission: { ...hit.commission } };
  const raw = kv(src).get(key);
  return raw === undefined ? undefined : decodeValidator(raw);
}

export function consAddressOf(pubKey: Uint8Array): Uint8Array {
  return ed25519Address(pubKey);
}

/** Read for every signature of every block: answered from memory, the address encoded once per stored value. */
export function operatorByConsAddress(src: StoreSource, consAddress: Uint8Array): string | undefined {
  const key = concatBytes(VALIDATORS_BY_CONS_PREFIX, consAddress);
  const hit = cachedRead(src, MODULE_S + keyString(key), addressToBech32);
  if (hit !== UNCACHED) return hit;
  const raw = kv(src).get(key);
  return raw === undefined ? undefined : addressToBech32(raw);
}

function powerIndexKey(operator: string, power: bigint): Uint8Array {
  return concatBytes(POWER_INDEX_PREFIX, u64be(U64_MAX - power), addr(operator));
}

/** Only unjailed validators with power take part in the set election. */
function indexedPower(v: ValidatorRecord, powerReduction: bigint): bigint | undefined {
  const power = v.tokens / powerReduction;
  return v.jailed || power === 0n ? undefined : power;
}

/** Writes a validator and keeps the power index in step with the change from `before`. */
export function setValidator(src: StoreSource, v: ValidatorRecord, before?: ValidatorRecord): void {
  const { powerReduction } = getParams(src);
  const store = kv(src);
  if (before === undefined)
    store.set(concatBytes(VALIDATORS_BY_CONS_PREFIX, consAddressOf(v.pubKey)), addressBytesView(v.operator));
  const oldPower = before === undefined ? undefined : indexedPower(before, powerReduction);
  const newPower = indexedPower(v, powerReduction);
  if (oldPower !== newPower) {
    if (oldPower !== undefined) store.delete(powerIndexKey(v.operator, oldPower));
    if (newPower !== undefined) store.set(powerIndexKey(v.operator, newPower), EMPTY);
  }
  store.set(concatBytes(VALIDATORS_PREFIX, addr(v.operator)), encodeMessage(Validator, validatorToProto(v)));
}

export function* allValidators(src: StoreSource): IterableIterator<ValidatorRecord> {
  for (const [, v] of kv(src).iterator(VALIDATORS_PREFIX, prefixEnd(VALIDATORS_PREFIX)))
    yield validatorFromProto(Validator.decode(v));
}

/** Candidates for the set, by power descending then operator address. */
export function* validatorsByPower(src: StoreSource): IterableIterator<string> {
  for (const [k] of kv(src).iterator(POWER_INDEX_PREFIX, prefixEnd(POWER_INDEX_PREFIX)))
    yield readAddress(k, POWER_INDEX_PREFIX.length + 8)[0];
}

// The last validator set (what consensus was last told).

export function getLastPower(src: StoreSource, operator: string): bigint | undefined {
  const raw = kv(src).get(concatBytes(LAST_POWER_PREFIX, addr(operator)));
  return raw === undefined ? undefined : readU64be(raw);
}
export function setLastPower(src: StoreSource, operator: string, power: bigint | undefined): void {
  const key = concatBytes(LAST_POWER_PREFIX, addr(operator));
  if (power === undefined) kv(src).delete(key);
  else kv(src).set(key, u64be(power));
}
/** (operator, power) of the last set, in operator-address order. */
export function* lastPowers(src: StoreSource): IterableIterator<[string, bigint]> {
  for (const [k, v] of kv(src).iterator(LAST_POWER_PREFIX, prefixEnd(LAST_POWER_PREFIX)))
    yield [readAddress(k, LAST_POWER_PREFIX.length)[0], readU64be(v)];
}

// Delegations.

export function getDelegation(src: StoreSource, delegator: string, validator: string): Dec {
  const raw = kv(src).get(concatBytes(DELEGATIONS_PREFIX, addr(delegator), addr(validator)));
  return raw === undefined ? 0n : amountCodec.decode(raw);
}
export function setDelegation(src: StoreSource, delegator: string, validator: string, shares: Dec): void {
  const key = concatBytes(DELEGATIONS_PREFIX, addr(delegator), addr(validator));
  if (shares === 0n) kv(src).delete(key);
  else kv(src).set(key, amountCodec.encode(shares));
}
/** (delegator, validator, shares), by delegator then validator; one delegator's when given. */
export function* allDelegations(src: StoreSource, delegator?: string): IterableIterator<[string, string, Dec]> {
  const prefix = delegator === undefined ? DELEGATIONS_PREFIX : concatBytes(DELEGATIONS_PREFIX, addr(delegator));
  for (const [k, v] of kv(src).iterator(prefix, prefixEnd(prefix))) {
    const [d, at] = readAddress(k, DELEGATIONS_PREFIX.length);
    yield [d, readAddress(k, at)[0], amountCodec.decode(v)];
  }
}

// Unbonding entries.

const nextIdItem = new Item<bigint>(STORE_KEY, NEXT_UNBONDING_ID_KEY, u64Codec);

export function getUnbonding(src: StoreSource, id: bigint): UnbondingEntry | undefined {
  const raw = kv(src).get(concatBytes(UNBONDING_PREFIX, u64be(id)));
  return raw === undefined ? undefined : UnbondingEntry.decode(raw);
}

/** Stores a new entry under the next id, with its queue and index keys. */
export function addUnbonding(src: StoreSource, e: Omit<UnbondingEntry, "id">): UnbondingEntry {
  const id = nextIdItem.get(src) ?? 1n;
  nextIdItem.set(src, id + 1n);
  const entry = { ...e, id };
  const store = kv(src);
  store.set(concatBytes(UNBONDING_PREFIX, u64be(id)), encodeMessage(UnbondingEntry, entry));
  store.set(concatBytes(UNBONDING_QUEUE_PREFIX, u64be(e.completionTime), u64be(id)), EMPTY);
  store.set(concatBytes(UNBONDING_BY_DELEGATOR_PREFIX, addr(e.delegatorAddress), u64be(id)), EMPTY);
  store.set(concatBytes(UNBONDING_BY_VALIDATOR_PREFIX, addr(e.validatorAddress), u64be(id)), EMPTY);
  return entry;
}

export function updateUnbonding(src: StoreSource, e: UnbondingEntry): void {
  kv(src).set(concatBytes(UNBONDING_PREFIX, u64be(e.id)), encodeMessage(UnbondingEntry, e));
}

export function removeUnbonding(src: StoreSource, e: UnbondingEntry): void {
  const store = kv(src);
  store.delete(concatBytes(UNBONDING_PREFIX, u64be(e.id)));
  store.delete(concatBytes(UNBONDING_QUEUE_PREFIX, u64be(e.completionTime), u64be(e.id)));
  store.delete(concatBytes(UNBONDING_BY_DELEGATOR_PREFIX, addr(e.delegatorAddress), u64be(e.id)));
  store.delete(concatBytes(UNBONDING_BY_VALIDATOR_PREFIX, addr(e.validatorAddress), u64be(e.id)));
}

function* entriesUnder(src: StoreSource, prefix: Uint8Array): IterableIterator<UnbondingEntry> {
  const ids: bigint[] = [];
  for (const [k] of kv(src).iterator(prefix, prefixEnd(prefix))) ids.push(readU64be(k, k.length - 8));
  for (const id of ids) yield getUnbonding(src, id)!;
}

/** Entries whose completion time is at or before `seconds`, in (time, id) order. */
export function matureUnbondings(src: StoreSource, seconds: bigint): UnbondingEntry[] {
  const end = concatBytes(UNBONDING_QUEUE_PREFIX, u64be(seconds + 1n));
  const ids: bigint[] = [];
  for (const [k] of kv(src).iterator(UNBONDING_QUEUE_PREFIX, end)) ids.push(readU64be(k, k.length - 8));
  return ids.map((id) => getUnbonding(src, id)!);
}

export function unbondingsOfDelegator(src: StoreSource, delegator: string): UnbondingEntry[] {
  return [...entriesUnder(src, concatBytes(UNBONDING_BY_DELEGATOR_PREFIX, addr(delegator)))];
}
export function unbondingsOfValidator(src: StoreSource, validator: string): UnbondingEntry[] {
  return [...entriesUnder(src, concatBytes(UNBONDING_BY_VALIDATOR_PREFIX, addr(validator)))];
}
export function* allUnbondings(src: StoreSource): IterableIterator<UnbondingEntry> {
  for (const [, v] of kv(src).iterator(UNBONDING_PREFIX, prefixEnd(UNBONDING_PREFIX))) yield UnbondingEntry.decode(v);
}
export function nextUnbondingId(src: StoreSource): bigint {
  return nextIdItem.get(src) ?? 1n;
}
export function setNextUnbondingId(src: StoreSource, id: bigint): void {
  nextIdItem.set(src, id);
}
