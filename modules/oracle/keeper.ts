/**
 * The oracle keeper: the only writer of oracle state. Feeders vote; at the end of each
 * block the weighted median of fresh votes becomes the price when enough weight voted.
 */
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import { decToString, type Dec } from "../../chain/types/fixed/index.js";
import { oracleErrors } from "./errors.js";
import type { FeederWeights, ValidatorPowers } from "./expectedKeepers.js";
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
  validatorFeeders,
} from "./state.js";
import type { ParsedAssetPrice } from "./validation.js";

export interface OraclePrice {
  asset: string;
  price: Dec;
  /** The block that set this price. */
  height: bigint;
  timeSeconds: bigint;
  /** Seconds of block time since that block (0 when read in the same block). */
  ageSeconds: bigint;
  /** `ageSeconds > params.staleAfterSeconds`. */
  stale: boolean;
  /** The height from which the price is fresh again after it was stale (0n: it has not been stale). */
  freshSince: bigint;
}

/** Where a price is judged from: a block's height and its header time (never a clock). */
export interface BlockPoint {
  height: bigint;
  timeSeconds: bigint;
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
  /** The price with its staleness judged at block `at` (queries). */
  priceAt(src: StoreSource, asset: string, at: BlockPoint): OraclePrice | undefined;
  pricesAt(src: StoreSource, at: BlockPoint): OraclePrice[];
  /** True when the asset has no price or its price is stale as seen by a tx in this block. */
  isStale(ctx: Context, asset: string): boolean;
  /** Records a feeder's votes; rejects non-feeders and unknown assets before writing anything. */
  submitPrices(ctx: Context, feeder: string, submitted: readonly ParsedAssetPrice[]): void;
  /** End block: fresh votes → new prices, old votes dropped, history pruned. */
  aggregate(ctx: Context): void;
  params(src: StoreSource): OracleParams;
  setParams(src: StoreSource, p: OracleParams): void;
  /** Genesis list of feeders; weight 0 removes one. */
  setFeeder(src: StoreSource, address: string, weight: bigint): void;
  listFeeders(src: StoreSource): { address: string; weight: bigint }[];
  /** Registers `feeder` as the account that votes for validator `operator` (genesis). */
  setValidatorFeeder(src: StoreSource, operator: string, feeder: string): void;
  listValidatorFeeders(src: StoreSource): { validator: string; feeder: string }[];
  /**
   * MsgRegisterFeeder: `feeder` votes for bonded validator `operator` from now on, in place
   * of its earlier feeder. Refuses an operator that is not bonded, and a feeder that is the
   * operator itself, another validator's operator, or another validator's feeder.
   */
  registerFeeder(ctx: Context, operator: string, feeder: string): void;
  readonly weights: FeederWeights;
}

export interface OracleKeeperOptions {
  /** Voting weights; defaults to the oracle's genesis feeder list (tests; the node passes staking's). */
  weights?: FeederWeights;
  /** Staking's bonded set, for MsgRegisterFeeder (without it, no validator may register). */
  validators?: ValidatorPowers;
}

export function createOracleKeeper(options: OracleKeeperOptions = {}): OracleKeeper {
  const weights = options.weights ?? createListedFeederWeights();

  function view(src: StoreSource, asset: string, stored: StoredPrice, at: BlockPoint): OraclePrice {
    const age = at.timeSeconds - stored.timeSeconds;
    const ageSeconds = age > 0n ? age : 0n;
    const stale = ageSeconds > keeper.params(src).staleAfterSeconds;
    return {
      asset,
      price: stored.price,
      height: stored.height,
      timeSeconds: stored.timeSeconds,
      ageSeconds,
      stale,
      freshSince: stored.freshSince,
    };
  }

  const pointOf = (ctx: Context): BlockPoint => ({ height: ctx.block.height, timeSeconds: ctx.block.time.seconds });

  function writePrice(ctx: Context, asset: string, price: Dec): void {
    const { height, time } = ctx.block;
    const current = prices.get(ctx, asset);
    // The first price after a stale one starts a fresh run: averages must not reach back past it.
    const freshSince = current?.staleAnnounced === true ? height : (current?.freshSince ?? 0n);
    prices.set(ctx, asset, { price, height, timeSeconds: time.seconds, staleAnnounced: false, freshSince });
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
    getPrice: (ctx, asset) => keeper.priceAt(ctx, asset, pointOf(ctx)),
    isStale: (ctx, asset) => keeper.getPrice(ctx, asset)?.stale ?? true,
    requireFreshPrice(ctx, asset) {
      const p = keeper.getPrice(ctx, asset);
      if (p === undefined) throw oracleErrors.unknownAsset(asset, { asset });
      if (p.stale) {
        const { staleAfterSeconds } = keeper.params(ctx);
        const why = `${asset} was last updated ${p.ageSeconds}s ago (at height ${p.height}); prices older than ${staleAfterSeconds}s are stale`;
        throw oracleErrors.stalePrice(why, {
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
    priceAt(src, asset, at) {
      const stored = prices.get(src, asset);
      return stored === undefined ? undefined : view(src, asset, stored, at);
    },
    pricesAt: (src, at) => [...prices.iterate(src)].map(([a, p]) => view(src, a, p, at)),
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
        } else if (!current.staleAnnounced && view(ctx, asset, current, pointOf(ctx)).stale) {
          prices.set(ctx, asset, { ...current, staleAnnounced: true });
          ctx.events.emit("oracle_price_stale", [
            ["asset", asset],
            ["last_height", current.height.toString()],
            ["last_time_seconds", current.timeSeconds.toString()],
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
    setValidatorFeeder: (src, operator, feeder) => validatorFeeders.set(src, feeder, operator),
    listValidatorFeeders: (src) =>
      [...validatorFeeders.iterate(src)].map(([feeder, validator]) => ({ validator, feeder })),
    registerFeeder(ctx, operator, feeder) {
      const bonded = (address: string) => options.validators?.powerOf(ctx, address) !== undefined;
      if (!bonded(operator)) throw oracleErrors.notValidator(operator, { operator });
      if (feeder === operator)
        throw oracleErrors.feederTaken("the operator votes from its own account when it registers no feeder", {
          feeder,
        });
      if (bonded(feeder)) throw oracleErrors.feederTaken(`${feeder} is a validator's operator`, { feeder });
      const holder = validatorFeeders.get(ctx, feeder);
      if (holder !== undefined && holder !== operator)
        throw oracleErrors.feederTaken(`${feeder} is the feeder of validator ${holder}`, { feeder, validator: holder });
      // One feeder per validator: the earlier one stops counting.
      const earlier = [...validatorFeeders.iterate(ctx)].filter(([f, op]) => op === operator && f !== feeder);
      for (const [f] of earlier) validatorFeeders.delete(ctx, f);
      validatorFeeders.set(ctx, feeder, operator);
      ctx.events.emit("register_feeder", [
        ["validator", operator],
        ["feeder", feeder],
        ...earlier.map(([f]): [string, string] => ["replaced", f]),
      ]);
    },
  };
  return keeper;
}
