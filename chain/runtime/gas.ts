/**
 * Gas: a meter per tx (limit = the tx's gas limit; unlimited in simulation and genesis)
 * and a store wrapper charging reads and writes with Cosmos' KVGasConfig, so that gas
 * estimates from cosmjs `simulate` are in the same units a Cosmos chain uses.
 */
import type { Branch } from "../store/branch.js";
import type { KVStore } from "../store/types.js";
import { sdkErrors } from "../types/errors.js";

export interface GasMeter {
  /** undefined = unlimited. */
  readonly limit: bigint | undefined;
  readonly consumed: bigint;
  /** Adds `amount`; throws sdk code 11 when the total passes the limit. */
  consume(amount: bigint, descriptor: string): void;
  /** `consume` for a non-negative safe integer: the store's per-access charges, without a bigint each. */
  consumeN(amount: number, descriptor: string): void;
}

/**
 * The total is kept as a number while it is a safe integer (every real tx: 2^53 gas is
 * millions of blocks' worth) and as a bigint past that, so it is exact either way; every
 * store access charges two or three amounts, and bigint arithmetic allocates each result.
 * A class, not closures over locals: every tx makes one, and its methods are the store's
 * hottest calls.
 */
class TxGasMeter implements GasMeter {
  private small = 0;
  private big: bigint | undefined = undefined;
  /** Exact below 2^53; above, no safe-integer total can pass it, which the rounding keeps true. */
  private readonly limitN: number;

  constructor(readonly limit: bigint | undefined) {
    this.limitN = limit === undefined ? Infinity : Number(limit);
  }

  get consumed(): bigint {
    return this.big ?? BigInt(this.small);
  }

  consume(amount: bigint, descriptor: string): void {
    if (this.big === undefined && amount >= 0n && amount <= MAX_SAFE) this.consumeN(Number(amount), descriptor);
    else this.consumeBig(amount, descriptor);
  }

  consumeN(amount: number, descriptor: string): void {
    if (this.big !== undefined || this.small + amount > Number.MAX_SAFE_INTEGER)
      return this.consumeBig(BigInt(amount), descriptor);
    this.small += amount;
    if (this.small > this.limitN) throw this.outOfGas(descriptor, this.small);
  }

  private consumeBig(amount: bigint, descriptor: string): void {
    this.big = (this.big ?? BigInt(this.small)) + amount;
    if (this.limit !== undefined && this.big > this.limit) throw this.outOfGas(descriptor, this.big);
  }

  private outOfGas(descriptor: string, consumed: bigint | number) {
    return sdkErrors.outOfGas(`out of gas in location: ${descriptor}; gasWanted: ${this.limit}, gasUsed: ${consumed}`);
  }
}

export function createGasMeter(limit: bigint | undefined): GasMeter {
  return new TxGasMeter(limit);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Cosmos store/types KVGasConfig defaults, as numbers for `consumeN`. */
export const KV_GAS_N = {
  hasCost: 1000,
  deleteCost: 1000,
  readCostFlat: 1000,
  readCostPerByte: 3,
  writeCostFlat: 2000,
  writeCostPerByte: 30,
  iterNextCostFlat: 30,
} as const;

/** KV_GAS_N as bigints, for charges computed in bigint. */
export const KV_GAS = Object.fromEntries(Object.entries(KV_GAS_N).map(([k, v]) => [k, BigInt(v)])) as {
  readonly [K in keyof typeof KV_GAS_N]: bigint;
};

/*
 * The charges of each access, as Cosmos' gaskv store makes them and in its order: the metered
 * store below and the branch accesses by latin1 key (meteredGetLatin1, ...) both take them from
 * here, so that the two paths cannot charge differently.
 */

/** A read's charges before the value is read: flat, then the key's bytes. */
function chargeReadKey(meter: GasMeter, keyLength: number): void {
  meter.consumeN(KV_GAS_N.readCostFlat, "ReadFlat");
  meter.consumeN(KV_GAS_N.readCostPerByte * keyLength, "ReadPerByte");
}

/** A read's charge for the value found. */
function chargeReadValue(meter: GasMeter, valueLength: number): void {
  meter.consumeN(KV_GAS_N.readCostPerByte * valueLength, "ReadPerByte");
}

/** A read's charges: flat, the key's bytes, the value's bytes if found. */
export function chargeRead(meter: GasMeter, keyLength: number, valueLength: number | undefined): void {
  chargeReadKey(meter, keyLength);
  if (valueLength !== undefined) chargeReadValue(meter, valueLength);
}

function chargeHas(meter: GasMeter): void {
  meter.consumeN(KV_GAS_N.hasCost, "Has");
}

function chargeWrite(meter: GasMeter, keyLength: number, valueLength: number): void {
  meter.consumeN(KV_GAS_N.writeCostFlat, "WriteFlat");
  meter.consumeN(KV_GAS_N.writeCostPerByte * (keyLength + valueLength), "WritePerByte");
}

function chargeDelete(meter: GasMeter): void {
  meter.consumeN(KV_GAS_N.deleteCost, "Delete");
}

/** An iterator step's charges: flat, then the entry's bytes. */
export function chargeVisit(meter: GasMeter, keyLength: number, valueLength: number): void {
  meter.consumeN(KV_GAS_N.iterNextCostFlat, "IterNextFlat");
  meter.consumeN(KV_GAS_N.readCostPerByte * (keyLength + valueLength), "ValuePerByte");
}

/** A view of `parent` that charges `meter` for every access, as Cosmos' gaskv store (one object, methods on the prototype: one is made per context). */
class GasMeteredStore implements KVStore {
  constructor(
    private readonly parent: KVStore,
    private readonly meter: GasMeter,
  ) {}

  get(key: Uint8Array): Uint8Array | undefined {
    chargeReadKey(this.meter, key.length);
    const value = this.parent.get(key);
    if (value !== undefined) chargeReadValue(this.meter, value.length);
    return value;
  }

  has(key: Uint8Array): boolean {
    chargeHas(this.meter);
    return this.parent.has(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    chargeWrite(this.meter, key.length, value.length);
    this.parent.set(key, value);
  }

  delete(key: Uint8Array): void {
    chargeDelete(this.meter);
    this.parent.delete(key);
  }

  *iterator(start?: Uint8Array, end?: Uint8Array, reverse?: boolean): IterableIterator<[Uint8Array, Uint8Array]> {
    const meter = this.meter;
    for (const [key, value] of this.parent.iterator(start, end, reverse)) {
      chargeVisit(meter, key.length, value.length);
      yield [key, value];
    }
  }
}

/**
 * GasMeteredStore's point accesses for a full key (module prefix included) already in its
 * latin1 form, on the branch under a context's meter: the same charges, in the same order,
 * with the same descriptors, and the same read or write of the branch. Collections name
 * every key this way (collection.ts), so that an access builds neither the module store's
 * prefixed copy of the key nor the branch's own.
 */
export function meteredGetLatin1(meter: GasMeter, branch: Branch, s: string): Uint8Array | undefined {
  chargeReadKey(meter, s.length);
  const value = branch.getLatin1(s);
  if (value !== undefined) chargeReadValue(meter, value.length);
  return value;
}

export function meteredHasLatin1(meter: GasMeter, branch: Branch, s: string): boolean {
  chargeHas(meter);
  return branch.hasLatin1(s);
}

/** `key` is the full key's bytes, which the branch keeps as they are: the caller must not change them. */
export function meteredSetLatin1(meter: GasMeter, branch: Branch, s: string, key: Uint8Array, value: Uint8Array): void {
  chargeWrite(meter, s.length, value.length);
  branch.setOwned(s, key, value);
}

/** `key` as for meteredSetLatin1. */
export function meteredDeleteLatin1(meter: GasMeter, branch: Branch, s: string, key: Uint8Array): void {
  chargeDelete(meter);
  branch.setOwned(s, key, undefined);
}

export function gasMeteredStore(parent: KVStore, meter: GasMeter): KVStore {
  return new GasMeteredStore(parent, meter);
}
