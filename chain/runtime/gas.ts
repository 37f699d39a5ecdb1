/**
 * Gas: a meter per tx (limit = the tx's gas limit; unlimited in simulation and genesis)
 * and a store wrapper charging reads and writes with Cosmos' KVGasConfig, so that gas
 * estimates from cosmjs `simulate` are in the same units a Cosmos chain uses.
 */
import type { KVStore } from "../store/types.js";
import { sdkErrors } from "../types/errors.js";

export interface GasMeter {
  /** undefined = unlimited. */
  readonly limit: bigint | undefined;
  readonly consumed: bigint;
  /** Adds `amount`; throws sdk code 11 when the total passes the limit. */
  consume(amount: bigint, descriptor: string): void;
}

export function createGasMeter(limit: bigint | undefined): GasMeter {
  let consumed = 0n;
  return {
    limit,
    get consumed() {
      return consumed;
    },
    consume(amount, descriptor) {
      consumed += amount;
      if (limit !== undefined && consumed > limit) {
        throw sdkErrors.outOfGas(`out of gas in location: ${descriptor}; gasWanted: ${limit}, gasUsed: ${consumed}`);
      }
    },
  };
}

/** Cosmos store/types KVGasConfig defaults. */
export const KV_GAS = {
  hasCost: 1000n,
  deleteCost: 1000n,
  readCostFlat: 1000n,
  readCostPerByte: 3n,
  writeCostFlat: 2000n,
  writeCostPerByte: 30n,
  iterNextCostFlat: 30n,
} as const;

/** A view of `parent` that charges `meter` for every access, as Cosmos' gaskv store. */
export function gasMeteredStore(parent: KVStore, meter: GasMeter): KVStore {
  return {
    get(key) {
      meter.consume(KV_GAS.readCostFlat, "ReadFlat");
      meter.consume(KV_GAS.readCostPerByte * BigInt(key.length), "ReadPerByte");
      const value = parent.get(key);
      if (value !== undefined) meter.consume(KV_GAS.readCostPerByte * BigInt(value.length), "ReadPerByte");
      return value;
    },
    has(key) {
      meter.consume(KV_GAS.hasCost, "Has");
      return parent.has(key);
    },
    set(key, value) {
      meter.consume(KV_GAS.writeCostFlat, "WriteFlat");
      meter.consume(KV_GAS.writeCostPerByte * BigInt(key.length + value.length), "WritePerByte");
      parent.set(key, value);
    },
    delete(key) {
      meter.consume(KV_GAS.deleteCost, "Delete");
      parent.delete(key);
    },
    *iterator(start, end, reverse) {
      for (const [key, value] of parent.iterator(start, end, reverse)) {
        meter.consume(KV_GAS.iterNextCostFlat, "IterNextFlat");
        meter.consume(KV_GAS.readCostPerByte * BigInt(key.length + value.length), "ValuePerByte");
        yield [key, value];
      }
    },
  };
}
