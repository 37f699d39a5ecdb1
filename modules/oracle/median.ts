/** The stake-weighted median of feeder votes: pure, deterministic, no store access. */
import type { Dec } from "../../chain/types/fixed/index.js";

export interface WeightedVote {
  feeder: string;
  price: Dec;
  weight: bigint;
}

/**
 * The lower weighted median: votes sorted by price (then feeder address, so the order is
 * total), the first whose cumulative weight reaches half of the total. With two equal
 * weights that is the lower price. Undefined when there is no positive weight.
 */
export function weightedMedian(votes: readonly WeightedVote[]): Dec | undefined {
  const sorted = votes
    .filter((v) => v.weight > 0n)
    .sort((a, b) =>
      a.price !== b.price ? (a.price < b.price ? -1 : 1) : a.feeder < b.feeder ? -1 : a.feeder > b.feeder ? 1 : 0,
    );
  const total = sorted.reduce((sum, v) => sum + v.weight, 0n);
  let cumulative = 0n;
  for (const v of sorted) {
    cumulative += v.weight;
    if (2n * cumulative >= total) return v.price;
  }
  return undefined;
}
