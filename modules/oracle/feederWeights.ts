/** FeederWeights from the oracle's own feeder list (set in genesis), until staking supplies weights. */
import type { FeederWeights } from "./expectedKeepers.js";
import { feeders } from "./state.js";

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
