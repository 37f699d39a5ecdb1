/**
 * The oracle keeper: the only writer of oracle state. Feeders vote; at the end of each
 * block the weighted median of fresh votes becomes the price when enough weight voted.
 */
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import { decToString, type Dec } from "../../chain/types/fixed/index.js";
import { oracleErrors } from "./errors.js";
import type { FeederWeights } from "./expectedKeepers.js";
import { createListedFeederWeights } from "./feederWeights.js";
import { blockWeightedAverage, pruneHistory, recordHistory } from "./history.js";
import { weightedMedian, type WeightedVote } from "./median.js";
import {
  DEFAULT_ORACLE_PARAMS,
  assetKeyPart,
  feeders,
  params,
  prices,
  votes,
  type OracleParams,
  type StoredPrice,
} from "./state.js";
import type { ParsedAssetPrice } from "./validation.js";

export interface OraclePrice {
  asset: string;
  price: Dec;
  /** The block that set this price. */
  height: bigint;
  timeSeconds: bigint;
  /** `currentHeight - height > params.staleAfterBlocks`. */
  stale: boolean;
}

export interface OracleKeeper {
  /** The price as a tx in the current block sees it; undefined for an unknown asset. */
  getPrice(ctx: Context, asset: string): OraclePrice | undefined;
  /** The price, or a coded `oracle/2` (unknown asset) or `oracle/3` (stale) error. */
  requireFreshPrice(ctx: Context, asset: string): OraclePrice;
  /** Average of the price in effect at each of the last `windowBlocks` blocks (this one included). */
  twap(ctx: Context, asset: string, windowBlocks: bigint): Dec | undefined;
  /** Sets a price at the current block (genesis and tests; feeders go through votes). */
  setPrice(ctx: Context, asset: string, price: Dec): void;
  /** The price with its staleness judged at `currentHeight` (queries). */
  priceAt(src: StoreSource, asset: string, currentHeight: bigint): OraclePrice | undefined;
  pricesAt(src: StoreSource, currentHeight: bigint): OraclePrice[];
  /** Records a feeder's votes; rejects non-feeders and unknown assets before writing anything. */
  submitPrices(ctx: Context, feeder: string, submitted: readonly ParsedAssetPrice[]): void;
  /** End block: fresh votes → new prices, old votes dropped, history pruned. */
  aggregate(ctx: Context): void;
  params(src: StoreSource): OracleParams;
  setParams(src: StoreSource, p: OracleParams): void;
  /** Genesis list of feeders; weight 0 removes one. */
  setFeeder(src: StoreSource, address: string, weight: bigint): void;
  listFeeders(src: StoreSource): { address: string; weight: bigint }[];
  readonly weights: FeederWeights;
}

export interface OracleKeeperOptions {
  /** Voting weights; defaults to the oracle's genesis feeder list. */
  weights?: FeederWeights;
}

export function createOracleKeeper(options: OracleKeeperOptions = {}): OracleKeeper {
  const weights = options.weights ?? createListedFeederWeights();

  function view(src: StoreSource, asset: string, stored: StoredPrice, currentHeight: bigint): OraclePrice {
    const stale = currentHeight - stored.height > keeper.params(src).staleAfterBlocks;
    return { asset, price: stored.price, height: stored.height, timeSeconds: stored.timeSeconds, stale };
  }

  function writePrice(ctx: Context, asset: string, price: Dec): void {
    const { height, time } = ctx.block;
    prices.set(ctx, asset, { price, height, timeSeconds: time.seconds });
    recordHistory(ctx, asset, height, price);
  }

  function freshVotes(ctx: Context, asset: string, maxAge: bigint): WeightedVote[] {
    const out: WeightedVote[] = [];
    const expired: string[] = [];
    for (const [[, feeder], vote] of votes.iterate(ctx, assetKeyPart(asset))) {
      if (ctx.block.height - vote.height > maxAge) expired.push(feeder);
      else out.push({ feeder, price: vote.price, weight: weights.weightOf(ctx, feeder) });
    }
    for (const feeder of expired) votes.delete(ctx, [asset, feeder]);
    return out;
  }

  const keeper: OracleKeeper = {
    weights,
    getPrice: (ctx, asset) => keeper.priceAt(ctx, asset, ctx.block.height),
    requireFreshPrice(ctx, asset) {
      const p = keeper.getPrice(ctx, asset);
      if (p === undefined) throw oracleErrors.unknownAsset(asset, { asset });
      if (p.stale) {
        const age = ctx.block.height - p.height;
        throw oracleErrors.stalePrice(`${asset} was last updated ${age} blocks ago, at height ${p.height}`, {
          asset,
          height: p.height.toString(),
        });
      }
      return p;
    },
    twap(ctx, asset, windowBlocks) {
      const { historyBlocks } = keeper.params(ctx);
      if (windowBlocks < 1n || windowBlocks > historyBlocks)
        throw oracleErrors.invalidWindow(`${windowBlocks} blocks; must be between 1 and ${historyBlocks}`);
      if (!prices.has(ctx, asset)) throw oracleErrors.unknownAsset(asset, { asset });
      const to = ctx.block.height;
      return blockWeightedAverage(ctx, asset, to - windowBlocks + 1n, to);
    },
    setPrice: (ctx, asset, price) => writePrice(ctx, asset, price),
    priceAt(src, asset, currentHeight) {
      const stored = prices.get(src, asset);
      return stored === undefined ? undefined : view(src, asset, stored, currentHeight);
    },
    pricesAt: (src, currentHeight) => [...prices.iterate(src)].map(([a, p]) => view(src, a, p, currentHeight)),
    submitPrices(ctx, feeder, submitted) {
      if (weights.weightOf(ctx, feeder) <= 0n) throw oracleErrors.notFeeder(feeder, { feeder });
      for (const { asset } of submitted) if (!prices.has(ctx, asset)) throw oracleErrors.unknownAsset(asset, { asset });
      for (const { asset, price } of submitted) {
        votes.set(ctx, [asset, feeder], { price, height: ctx.block.height });
        ctx.events.emit("oracle_vote", [
          ["feeder", feeder],
          ["asset", asset],
          ["price", decToString(price)],
        ]);
      }
    },
    aggregate(ctx) {
      const p = keeper.params(ctx);
      const total = weights.totalWeight(ctx);
      const height = ctx.block.height;
      for (const [asset, current] of [...prices.iterate(ctx)]) {
        const fresh = freshVotes(ctx, asset, p.maxVoteAgeBlocks);
        const present = fresh.reduce((sum, v) => sum + v.weight, 0n);
        const median = 2n * present > total ? weightedMedian(fresh) : undefined;
        if (median !== undefined) {
          writePrice(ctx, asset, median);
          ctx.events.emit("oracle_price", [
            ["asset", asset],
            ["price", decToString(median)],
            ["height", height.toString()],
            ["voting_weight", present.toString()],
            ["total_weight", total.toString()],
          ]);
        } else if (height - current.height === p.staleAfterBlocks + 1n) {
          ctx.events.emit("oracle_price_stale", [
            ["asset", asset],
            ["last_height", current.height.toString()],
          ]);
        }
        pruneHistory(ctx, asset, height - p.historyBlocks);
      }
    },
    params: (src) => params.get(src) ?? { ...DEFAULT_ORACLE_PARAMS },
    setParams: (src, p) => params.set(src, p),
    setFeeder(src, address, weight) {
      if (weight === 0n) feeders.delete(src, address);
      else feeders.set(src, address, weight);
    },
    listFeeders: (src) => [...feeders.iterate(src)].map(([address, weight]) => ({ address, weight })),
  };
  return keeper;
}
