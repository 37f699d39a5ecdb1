/**
 * bank genesis in the Cosmos SDK's JSON form (`app_state.bank`): params, balances,
 * supply (computed when empty, checked when given), denom_metadata, send_enabled.
 */
import type { Metadata } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import { isValidAddress } from "../../chain/crypto/address.js";
import { coinsEqual, coinsToJson, isValidDenom, parseCoins, sumCoins, type Coin } from "../../chain/runtime/coins.js";
import type { Context } from "../../chain/runtime/types.js";
import { bankErrors } from "./errors.js";
import type { BankKeeper } from "./keeper.js";
import { COLLATERAL_DENOM, STAKING_DENOM } from "./keys.js";
import type { BankParams } from "./state.js";

export interface BankGenesis {
  params: BankParams;
  balances: { address: string; coins: Coin[] }[];
  supply: Coin[];
  denomMetadata: Metadata[];
  sendEnabled: { denom: string; enabled: boolean }[];
}

type Json = Record<string, unknown>;
const ROOT = "app_state.bank";

function fail(field: string, message: string): never {
  throw bankErrors.invalidGenesis(`${field}: ${message}`, { field });
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

function str(v: unknown, field: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") fail(field, "must be a string");
  return v;
}

function coinList(v: unknown, field: string): Coin[] {
  const raw = list(v, field).map((c, i) => {
    const o = obj(c, `${field}[${i}]`);
    return { denom: str(o.denom, `${field}[${i}].denom`), amount: str(o.amount, `${field}[${i}].amount`) };
  });
  return parseCoins(raw, field);
}

function parseMetadata(raw: unknown, field: string): Metadata {
  const m = obj(raw, field);
  const base = str(m.base, `${field}.base`);
  if (!isValidDenom(base)) fail(`${field}.base`, `invalid denom "${base}"`);
  const display = str(m.display, `${field}.display`);
  if (!isValidDenom(display)) fail(`${field}.display`, `invalid denom "${display}"`);
  const units = list(m.denom_units, `${field}.denom_units`).map((u, i) => {
    const f = `${field}.denom_units[${i}]`;
    const o = obj(u, f);
    const exponent = o.exponent ?? 0;
    if (typeof exponent !== "number" || !Number.isInteger(exponent) || exponent < 0)
      fail(`${f}.exponent`, "must be a non-negative integer");
    const denom = str(o.denom, `${f}.denom`);
    if (!isValidDenom(denom)) fail(`${f}.denom`, `invalid denom "${denom}"`);
    const aliases = list(o.aliases, `${f}.aliases`).map((a, j) => str(a, `${f}.aliases[${j}]`));
    return { denom, exponent, aliases };
  });
  if (units[0]?.denom !== base || units[0].exponent !== 0)
    fail(`${field}.denom_units[0]`, "the first unit must be the base denom with exponent 0");
  units.forEach((u, i) => {
    if (i > 0 && u.exponent <= units[i - 1]!.exponent)
      fail(`${field}.denom_units[${i}].exponent`, "exponents must increase");
  });
  if (!units.some((u) => u.denom === display)) fail(`${field}.display`, "must be one of denom_units");
  return {
    description: str(m.description, `${field}.description`),
    denomUnits: units,
    base,
    display,
    name: str(m.name, `${field}.name`),
    symbol: str(m.symbol, `${field}.symbol`),
    uri: str(m.uri, `${field}.uri`),
    uriHash: str(m.uri_hash, `${field}.uri_hash`),
  };
}

/** Parses and checks `app_state.bank`; throws a StrikeError naming the first bad field. */
export function validateBankGenesis(raw: unknown): BankGenesis {
  const g = obj(raw, ROOT);
  const p = g.params === undefined ? {} : obj(g.params, `${ROOT}.params`);
  const defaultSendEnabled = p.default_send_enabled ?? true;
  if (typeof defaultSendEnabled !== "boolean") fail(`${ROOT}.params.default_send_enabled`, "must be a boolean");

  const seen = new Set<string>();
  const balances = list(g.balances, `${ROOT}.balances`).map((b, i) => {
    const f = `${ROOT}.balances[${i}]`;
    const o = obj(b, f);
    const address = str(o.address, `${f}.address`);
    if (!isValidAddress(address)) fail(`${f}.address`, `invalid address "${address}"`);
    if (seen.has(address)) fail(`${f}.address`, `duplicate balance for ${address}`);
    seen.add(address);
    return { address, coins: coinList(o.coins, `${f}.coins`) };
  });

  const total = sumCoins(balances.map((b) => b.coins));
  const supply = coinList(g.supply, `${ROOT}.supply`);
  if (supply.length > 0 && !coinsEqual(supply, total)) {
    fail(`${ROOT}.supply`, `genesis supply is incorrect, expected ${JSON.stringify(coinsToJson(total))}`);
  }

  const metaSeen = new Set<string>();
  const denomMetadata = list(g.denom_metadata, `${ROOT}.denom_metadata`).map((m, i) => {
    const md = parseMetadata(m, `${ROOT}.denom_metadata[${i}]`);
    if (metaSeen.has(md.base)) fail(`${ROOT}.denom_metadata[${i}].base`, `duplicate metadata for ${md.base}`);
    metaSeen.add(md.base);
    return md;
  });

  const sendEnabled = list(g.send_enabled, `${ROOT}.send_enabled`).map((s, i) => {
    const f = `${ROOT}.send_enabled[${i}]`;
    const o = obj(s, f);
    const denom = str(o.denom, `${f}.denom`);
    if (!isValidDenom(denom)) fail(`${f}.denom`, `invalid denom "${denom}"`);
    if (typeof o.enabled !== "boolean") fail(`${f}.enabled`, "must be a boolean");
    return { denom, enabled: o.enabled };
  });

  return { params: { defaultSendEnabled }, balances, supply: total, denomMetadata, sendEnabled };
}

function metadataJson(base: string, display: string, symbol: string, name: string, description: string): Json {
  return {
    description,
    denom_units: [
      { denom: base, exponent: 0, aliases: [] },
      { denom: display, exponent: 6, aliases: [] },
    ],
    base,
    display,
    name,
    symbol,
    uri: "",
    uri_hash: "",
  };
}

/** ustrike (staking and fees) and uusdc (collateral), both with 6 decimals. */
export function defaultBankGenesis(): Json {
  return {
    params: { send_enabled: [], default_send_enabled: true },
    balances: [],
    supply: [],
    denom_metadata: [
      metadataJson(STAKING_DENOM, "strike", "STRIKE", "Strike", "The staking and fee token of Strike"),
      metadataJson(COLLATERAL_DENOM, "usdc", "USDC", "USD Coin", "Collateral for Strike's markets"),
    ],
    send_enabled: [],
  };
}

export function initBankGenesis(ctx: Context, keeper: BankKeeper, raw: unknown): void {
  const g = validateBankGenesis(raw ?? defaultBankGenesis());
  keeper.setParams(ctx, g.params);
  for (const b of g.balances) for (const c of b.coins) keeper.setBalance(ctx, b.address, c);
  for (const c of g.supply) keeper.setSupply(ctx, c);
  for (const m of g.denomMetadata) keeper.setDenomMetadata(ctx, m);
  for (const s of g.sendEnabled) keeper.setSendEnabled(ctx, s.denom, s.enabled);
}

export function exportBankGenesis(ctx: Context, keeper: BankKeeper): Json {
  const byAddress = new Map<string, Coin[]>();
  for (const [[address, denom], amount] of keeper.iterateBalances(ctx)) {
    const coins = byAddress.get(address) ?? [];
    coins.push({ denom, amount });
    byAddress.set(address, coins);
  }
  return {
    params: { send_enabled: [], default_send_enabled: keeper.params(ctx).defaultSendEnabled },
    balances: [...byAddress.keys()].sort().map((address) => ({ address, coins: coinsToJson(byAddress.get(address)!) })),
    supply: [...keeper.iterateSupply(ctx)].map(([denom, amount]) => ({ denom, amount: amount.toString() })),
    denom_metadata: [...keeper.iterateDenomMetadata(ctx)].map(([, m]) => ({
      description: m.description,
      denom_units: m.denomUnits.map((u) => ({ denom: u.denom, exponent: u.exponent, aliases: u.aliases })),
      base: m.base,
      display: m.display,
      name: m.name,
      symbol: m.symbol,
      uri: m.uri,
      uri_hash: m.uriHash,
    })),
    send_enabled: [...keeper.iterateSendEnabled(ctx)].map(([denom, enabled]) => ({ denom, enabled })),
  };
}
