/**
 * Vote weights. A chain whose oracle genesis lists feeders is permissioned: those accounts
 * vote with their listed weights. Otherwise the bonded validators are the feeders and
 * weigh their stake; a validator votes from its operator account or from a feeder account
 * registered for it (a hot key in the node's home, so the operator key can stay cold).
 */
import type { FeederWeights, ValidatorPowers } from "./expectedKeepers.js";
import { feeders, validatorFeeders } from "./state.js";
import type { StoreSource } from "../../chain/runtime/collection.js";

function listedFeedersExist(src: StoreSource): boolean {
  for (const _ of feeders.iterate(src)) return true;
  return false;
}

function hasRegisteredFeeder(src: StoreSource, operator: string): boolean {
  for (const [, op] of validatorFeeders.iterate(src)) if (op === operator) return true;
  return false;
}

export function createListedFeederWeights(): FeederWeights {
  return {
    weightOf: (src, feeder) => feeders.get(src, feeder) ?? 0n,
    totalWeight(src) {
      let total = 0n;
      for (const [, weight] of feeders.iterate(src)) total += weight;
      return total;
    },
  };
}

/** The listed feeders when there are any, else bonded validators weighted by power. */
export function createOracleFeederWeights(validators: ValidatorPowers): FeederWeights {
  const listed = createListedFeederWeights();
  return {
    weightOf(src, feeder) {
      if (listedFeedersExist(src)) return listed.weightOf(src, feeder);
      const operator = validatorFeeders.get(src, feeder);
      if (operator !== undefined) return validators.powerOf(src, operator) ?? 0n;
      // An operator that registered a feeder votes only through it: one validator, one weight.
      if (hasRegisteredFeeder(src, feeder)) return 0n;
      return validators.powerOf(src, feeder) ?? 0n;
    },
    totalWeight: (src) => (listedFeedersExist(src) ? listed.totalWeight(src) : validators.totalPower(src)),
  };
}

/** The validator operator a feeder account was registered for (other modules' validator hot keys: the bridge). */
export function validatorOfFeeder(src: StoreSource, feeder: string): string | undefined {
  return validatorFeeders.get(src, feeder);
}
