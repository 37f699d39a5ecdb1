/**
 * oracle genesis (`app_state.oracle`), snake_case with uint64 as strings like the other
 * modules: params, the assets with their initial prices (so a fresh chain has prices at
 * once), and the feeders with their voting weights.
 */
import { isValidAddress } from "../../chain/crypto/address.js";
import type { Context } from "../../chain/runtime/types.js";
import { isStrikeError } from "../../chain/types/errors.js";
import { decToString, type Dec } from "../../chain/types/fixed/index.js";
import { oracleErrors } from "./errors.js";
import type { OracleKeeper } from "./keeper.js";
import { DEFAULT_ORACLE_PARAMS, type OracleParams } from "./state.js";
import { checkAssetSymbol, parsePrice } from "./validation.js";

export interface OracleGenesis {
  params: OracleParams;
  assets: { asset: string; price: Dec }[];
  feeders: { address: string; weight: bigint }[];
}

type Json = Record<string, unknown>;
const ROOT = "app_state.oracle";
const U64_MAX = (1n << 64n) - 1n;

function fail(field: string, message: string): never {
  throw oracleErrors.invalidGenesis(`${field}: ${message}`, { field });
}

function obj(v: unknown, field: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(field, "must be an object");
  return v as Json;
}

function list(v: unknown, field: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(field, "must be a list");
  return v;
}

function u64(v: unknown, field: string, fallback: bigint, min: bigint): bigint {
  if (v === undefined) return fallback;
  if (typeof v !== "string" || !/^[0-9]{1,20}$/.test(v))
    fail(field, `must be an unsigned integer string, got ${JSON.stringify(v)}`);
  const n = BigInt(v);
  if (n > U64_MAX) fail(field, "overflows uint64");
  if (n < min) fail(field, `must be at least ${min}`);
  return n;
}

function parseParams(raw: unknown, field: string): OracleParams {
  const p = raw === undefined ? {} : obj(raw, field);
  const d = DEFAULT_ORACLE_PARAMS;
  return {
    maxVoteAgeBlocks: u64(p.max_vote_age_blocks, `${field}.max_vote_age_blocks`, d.maxVoteAgeBlocks, 0n),
    staleAfterBlocks: u64(p.stale_after_blocks, `${field}.stale_after_blocks`, d.staleAfterBlocks, 1n),
    historyBlocks: u64(p.history_blocks, `${field}.history_blocks`, d.historyBlocks, 1n),
  };
}

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
  const g = obj(raw, ROOT);
  const params = parseParams(g.params, `${ROOT}.params`);

  const seenAssets = new Set<string>();
  const assets = list(g.assets, `${ROOT}.assets`).map((a, i) => {
    const f = `${ROOT}.assets[${i}]`;
    const o = obj(a, f);
    if (typeof o.asset !== "string") fail(`${f}.asset`, "must be a string");
    const asset = o.asset;
    rethrowAsGenesis(`${f}.asset`, () => checkAssetSymbol(asset));
    if (seenAssets.has(asset)) fail(`${f}.asset`, `duplicate asset ${asset}`);
    seenAssets.add(asset);
    if (typeof o.price !== "string") fail(`${f}.price`, "must be a decimal string");
    const text = o.price;
    return { asset, price: rethrowAsGenesis(`${f}.price`, () => parsePrice(text, asset)) };
  });

  const seenFeeders = new Set<string>();
  const feeders = list(g.feeders, `${ROOT}.feeders`).map((x, i) => {
    const f = `${ROOT}.feeders[${i}]`;
    const o = obj(x, f);
    const address = o.address;
    if (typeof address !== "string" || !isValidAddress(address))
      fail(`${f}.address`, `invalid address ${JSON.stringify(address)}`);
    if (seenFeeders.has(address)) fail(`${f}.address`, `duplicate feeder ${address}`);
    seenFeeders.add(address);
    return { address, weight: u64(o.weight ?? "", `${f}.weight`, 0n, 1n) };
  });

  return { params, assets, feeders };
}

function genesisToJson(g: OracleGenesis): Json {
  return {
    params: {
      max_vote_age_blocks: g.params.maxVoteAgeBlocks.toString(),
      stale_after_blocks: g.params.staleAfterBlocks.toString(),
      history_blocks: g.params.historyBlocks.toString(),
    },
    assets: g.assets.map((a) => ({ asset: a.asset, price: trimDec(a.price) })),
    feeders: g.feeders.map((f) => ({ address: f.address, weight: f.weight.toString() })),
  };
}

/** "3000.000000000000000000" → "3000", "0.500000000000000000" → "0.5". */
export function trimDec(d: Dec): string {
  return decToString(d).replace(/\.?0+$/, "");
}

/** ETH and BTC at round prices, default params, no feeders (add them with addOracleFeeder). */
export function defaultOracleGenesis(): Json {
  return {
    params: {
      max_vote_age_blocks: DEFAULT_ORACLE_PARAMS.maxVoteAgeBlocks.toString(),
      stale_after_blocks: DEFAULT_ORACLE_PARAMS.staleAfterBlocks.toString(),
      history_blocks: DEFAULT_ORACLE_PARAMS.historyBlocks.toString(),
    },
    assets: [
      { asset: "BTC", price: "60000" },
      { asset: "ETH", price: "3000" },
    ],
    feeders: [],
  };
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
}

export function exportOracleGenesis(ctx: Context, keeper: OracleKeeper): Json {
  return genesisToJson({
    params: keeper.params(ctx),
    assets: keeper.pricesAt(ctx, ctx.block.height).map((p) => ({ asset: p.asset, price: p.price })),
    feeders: keeper.listFeeders(ctx),
  });
}
