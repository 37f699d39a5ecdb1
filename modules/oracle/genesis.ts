/**
 * oracle genesis (`app_state.oracle`), snake_case with uint64 as strings like the other
 * modules: params, the assets with their initial prices (so a fresh chain has prices at
 * once), and the feeders with their voting weights.
 */
import { addressField, genesisFail, parseGenesisSection, refuseDuplicates } from "../../chain/runtime/genesisFields.js";
import type { Context } from "../../chain/runtime/types.js";
import { isStrikeError } from "../../chain/types/errors.js";
import { u64String } from "../../chain/types/schema.js";
import { z } from "zod";
import { decToString, type Dec } from "../../chain/types/fixed/index.js";
import { oracleErrors } from "./errors.js";
import type { OracleKeeper } from "./keeper.js";
import { DEFAULT_ORACLE_PARAMS, type OracleParams } from "./state.js";
import { isValidAssetSymbol, parsePrice } from "./validation.js";

export interface OracleGenesis {
  params: OracleParams;
  assets: { asset: string; price: Dec }[];
  /** Permissioned mode: when not empty, only these accounts vote, with these weights. */
  feeders: { address: string; weight: bigint }[];
  /** Feeder accounts that vote for a bonded validator (with its stake) in place of its operator. */
  validatorFeeders: { validator: string; feeder: string }[];
}

type Json = Record<string, unknown>;
const ROOT = "app_state.oracle";

function fail(field: string, message: string): never {
  genesisFail(oracleErrors.invalidGenesis, field, message);
}

const d = DEFAULT_ORACLE_PARAMS;
const address = addressField;

const oracleGenesisSchema = z.strictObject({
  params: z
    .strictObject({
      max_vote_age_blocks: u64String().default(d.maxVoteAgeBlocks.toString()),
      stale_after_seconds: u64String(1n).default(d.staleAfterSeconds.toString()),
      history_blocks: u64String(1n).default(d.historyBlocks.toString()),
    })
    .optional(),
  assets: z
    .array(
      z.strictObject({
        asset: z.string().refine(isValidAssetSymbol, { error: "must be 1-16 upper-case letters and digits" }),
        price: z.string({ error: "must be a decimal string" }),
      }),
    )
    .nullish(),
  feeders: z.array(z.strictObject({ address, weight: u64String(1n) })).nullish(),
  validator_feeders: z.array(z.strictObject({ validator: address, feeder: address })).nullish(),
});

function rethrowAsGenesis<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isStrikeError(e) && !oracleErrors.invalidGenesis.is(e)) fail(field, e.message);
    throw e;
  }
}

/** Parses and checks `app_state.oracle`; throws `oracle/100` naming the first bad field. */
export function validateOracleGenesis(raw: unknown): OracleGenesis {
  const g = parseGenesisSection(oracleGenesisSchema, raw, ROOT, oracleErrors.invalidGenesis);
  const p = oracleGenesisSchema.shape.params.unwrap().parse(g.params ?? {});
  const params: OracleParams = {
    maxVoteAgeBlocks: BigInt(p.max_vote_age_blocks),
    staleAfterSeconds: BigInt(p.stale_after_seconds),
    historyBlocks: BigInt(p.history_blocks),
  };
  const rawAssets = g.assets ?? [];
  refuseDuplicates(
    oracleErrors.invalidGenesis,
    rawAssets.map((a) => a.asset),
    (i) => `${ROOT}.assets[${i}].asset`,
    "asset",
  );
  const assets = rawAssets.map((a, i) => ({
    asset: a.asset,
    price: rethrowAsGenesis(`${ROOT}.assets[${i}].price`, () => parsePrice(a.price, a.asset)),
  }));
  const feeders = (g.feeders ?? []).map((f) => ({ address: f.address, weight: BigInt(f.weight) }));
  refuseDuplicates(
    oracleErrors.invalidGenesis,
    feeders.map((f) => f.address),
    (i) => `${ROOT}.feeders[${i}].address`,
    "feeder",
  );
  const validatorFeeders = g.validator_feeders ?? [];
  refuseDuplicates(
    oracleErrors.invalidGenesis,
    validatorFeeders.map((f) => f.feeder),
    (i) => `${ROOT}.validator_feeders[${i}].feeder`,
    "feeder",
  );
  refuseDuplicates(
    oracleErrors.invalidGenesis,
    validatorFeeders.map((f) => f.validator),
    (i) => `${ROOT}.validator_feeders[${i}].validator`,
    "validator (one feeder per validator)",
  );
  return { params, assets, feeders, validatorFeeders };
}

function genesisToJson(g: OracleGenesis): Json {
  return {
    params: {
      max_vote_age_blocks: g.params.maxVoteAgeBlocks.toString(),
      stale_after_seconds: g.params.staleAfterSeconds.toString(),
      history_blocks: g.params.historyBlocks.toString(),
    },
    assets: g.assets.map((a) => ({ asset: a.asset, price: trimDec(a.price) })),
    feeders: g.feeders.map((f) => ({ address: f.address, weight: f.weight.toString() })),
    validator_feeders: g.validatorFeeders.map((f) => ({ validator: f.validator, feeder: f.feeder })),
  };
}

/** "3000.000000000000000000" → "3000", "0.500000000000000000" → "0.5". */
export function trimDec(d: Dec): string {
  return decToString(d).replace(/\.?0+$/, "");
}

/** ETH and BTC at round prices, default params; no listed feeders, so the bonded validators vote. */
export function defaultOracleGenesis(): Json {
  return {
    params: {
      max_vote_age_blocks: DEFAULT_ORACLE_PARAMS.maxVoteAgeBlocks.toString(),
      stale_after_seconds: DEFAULT_ORACLE_PARAMS.staleAfterSeconds.toString(),
      history_blocks: DEFAULT_ORACLE_PARAMS.historyBlocks.toString(),
    },
    assets: [
      { asset: "BTC", price: "60000" },
      { asset: "ETH", price: "3000" },
    ],
    feeders: [],
    validator_feeders: [],
  };
}

/** A copy of an `app_state.oracle` section where `feeder` votes for validator `operator`. */
export function addValidatorFeeder(oracleGenesis: unknown, operator: string, feeder: string): Json {
  const g = validateOracleGenesis(oracleGenesis ?? defaultOracleGenesis());
  const validatorFeeders = [
    ...g.validatorFeeders.filter((f) => f.validator !== operator),
    { validator: operator, feeder },
  ].sort((a, b) => (a.feeder < b.feeder ? -1 : a.feeder > b.feeder ? 1 : 0));
  const out = genesisToJson({ ...g, validatorFeeders });
  validateOracleGenesis(out);
  return out;
}

/**
 * A copy of an `app_state.oracle` section (the default when undefined) where `address`
 * is a feeder with `weight`: added, or its weight replaced. Feeders stay sorted by address.
 */
export function addOracleFeeder(oracleGenesis: unknown, address: string, weight: bigint): Json {
  const g = validateOracleGenesis(oracleGenesis ?? defaultOracleGenesis());
  const feeders = [...g.feeders.filter((f) => f.address !== address), { address, weight }];
  feeders.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const out = { ...g, feeders };
  // Check the new entry with the same rules as genesis (address, weight range).
  validateOracleGenesis(genesisToJson(out));
  return genesisToJson(out);
}

export function initOracleGenesis(ctx: Context, keeper: OracleKeeper, raw: unknown): void {
  const g = validateOracleGenesis(raw ?? defaultOracleGenesis());
  keeper.setParams(ctx, g.params);
  for (const a of g.assets) keeper.setPrice(ctx, a.asset, a.price);
  for (const f of g.feeders) keeper.setFeeder(ctx, f.address, f.weight);
  for (const f of g.validatorFeeders) keeper.setValidatorFeeder(ctx, f.validator, f.feeder);
}

export function exportOracleGenesis(ctx: Context, keeper: OracleKeeper): Json {
  return genesisToJson({
    params: keeper.params(ctx),
    assets: keeper
      .pricesAt(ctx, { height: ctx.block.height, timeSeconds: ctx.block.time.seconds })
      .map((p) => ({ asset: p.asset, price: p.price })),
    feeders: keeper.listFeeders(ctx),
    validatorFeeders: keeper.listValidatorFeeders(ctx),
  });
}
