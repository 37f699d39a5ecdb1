/**
 * Several price sources as one: each round every source is asked, the weighted median of
 * the answers is taken per asset, sources further than `maxDeviation` (a fraction) from it
 * are dropped as outliers, and the weighted median of the rest is the price. A source that
 * fails only loses its vote for that round.
 */
import { DEC_SCALE, divRoundHalfEven, type Dec } from "../chain/types/fixed/index.js";
import { weightedMedian } from "../modules/oracle/median.js";
import { feederErrors } from "./errors.js";
import type { PriceSource } from "./source.js";

export interface WeightedSource {
  name: string;
  source: PriceSource;
  weight: bigint;
}

export interface MedianSourceOptions {
  sources: readonly WeightedSource[];
  /** e.g. 0.1 (10%) as a Dec. */
  maxDeviation: Dec;
  /** Told about each source that failed or was dropped, for the logs. */
  onProblem?(source: string, reason: string): void;
}

/** |price − median| / median, as a Dec. */
function deviation(price: Dec, median: Dec): Dec {
  const diff = price > median ? price - median : median - price;
  return divRoundHalfEven(diff * DEC_SCALE, median);
}

export function createMedianSource(o: MedianSourceOptions): PriceSource {
  if (o.sources.length === 0) throw feederErrors.badOption("at least one price source is needed");
  return {
    async prices(assets) {
      const answers = await Promise.allSettled(o.sources.map((s) => s.source.prices(assets)));
      answers.forEach((a, i) => {
        if (a.status === "rejected")
          o.onProblem?.(o.sources[i]!.name, a.reason instanceof Error ? a.reason.message : String(a.reason));
      });
      const out = new Map<string, Dec>();
      for (const asset of assets) {
        const votes = answers.flatMap((a, i) => {
          const price = a.status === "fulfilled" ? a.value.get(asset) : undefined;
          return price === undefined ? [] : [{ feeder: o.sources[i]!.name, price, weight: o.sources[i]!.weight }];
        });
        const first = weightedMedian(votes);
        if (first === undefined) throw feederErrors.noSourceAnswered(asset, { asset });
        const kept = votes.filter((v) => {
          const ok = deviation(v.price, first) <= o.maxDeviation;
          if (!ok) o.onProblem?.(v.feeder, `${asset} outlier dropped`);
          return ok;
        });
        out.set(asset, weightedMedian(kept) ?? first);
      }
      return out;
    },
  };
}
