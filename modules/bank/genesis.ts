/**
 * bank genesis in the Cosmos SDK's JSON form (`app_state.bank`): params, balances,
 * supply (computed when empty, checked when given), denom_metadata, send_enabled.
 */
import type { Metadata } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import { z } from "zod";
import { coinsEqual, coinsToJson, parseCoins, sumCoins, type Coin } from "../../chain/runtime/coins.js";
import {
  addressField,
  coinField,
  denomField,
  genesisFail,
  listField,
  parseGenesisSection,
  refuseDuplicates,
  textField,
} from "../../chain/runtime/genesisFields.js";
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
  genesisFail(bankErrors.invalidGenesis, field, message);
}

const sendEnabledEntry = z.strictObject({
  denom: denomField,
  enabled: z.boolean({ error: "must be true or false" }),
});

const bankGenesisSchema = z.strictObject({
  params: z
    .strictObject({
      // The SDK moved per-denom send_enabled out of params; it is still written there, empty.
      send_enabled: listField(sendEnabledEntry),
      default_send_enabled: z.boolean({ error: "must be true or false" }).default(true),
    })
    .optional(),
  balances: listField(z.strictObject({ address: addressField, coins: listField(coinField) })),
  supply: listField(coinField),
  denom_metadata: listField(
    z.strictObject({
      description: textField,
      denom_units: z
        .array(
          z.strictObject({
            denom: denomField,
            exponent: z
              .number({ error: "must be a non-negative integer" })
              .int({ error: "must be a non-negative integer" })
              .nonnegative({ error: "must be a non-negative integer" })
              .default(0),
            aliases: listField(z.string({ error: "must be a string" })),
          }),
          { error: "must be a list" },
        )
        .min(1, { error: "must name at least the base denom" }),
      base: denomField,
      display: denomField,
      name: textField,
      symbol: textField,
      uri: textField,
      uri_hash: textField,
    }),
  ),
  send_enabled: listField(sendEnabledEntry),
});

type MetadataJson = z.output<typeof bankGenesisSchema>["denom_metadata"][number];

function checkMetadata(m: MetadataJson, field: string): Metadata {
  const units = m.denom_units;
  if (units[0]!.denom !== m.base || units[0]!.exponent !== 0)
    fail(`${field}.denom_units[0]`, "the first unit must be the base denom with exponent 0");
  units.forEach((u, i) => {
    if (i > 0 && u.exponent <= units[i - 1]!.exponent)
      fail(`${field}.denom_units[${i}].exponent`, "exponents must increase");
  });
  if (!units.some((u) => u.denom === m.display)) fail(`${field}.display`, "must be one of denom_units");
  return {
    description: m.description,
    denomUnits: units,
    base: m.base,
    display: m.display,
    name: m.name,
    symbol: m.symbol,
    uri: m.uri,
    uriHash: m.uri_hash,
  };
}

/**
 * Parses and checks `app_state.bank`; throws `bank/100` naming the first bad field. This
 * is the only validation of bank genesis: `strike genesis validate` runs it too.
 */
export function validateBankGenesis(raw: unknown): BankGenesis {
  const g = parseGenesisSection(bankGenesisSchema, raw, ROOT, bankErrors.invalidGenesis);
  const balances = g.balances.map((b, i) => ({
    address: b.address,
    coins: parseCoins(b.coins, `${ROOT}.balances[${i}].coins`),
  }));
  refuseDuplicates(
    bankErrors.invalidGenesis,
    balances.map((b) => b.address),
    (i) => `${ROOT}.balances[${i}].address`,
    "balance for",
  );

  // An empty supply means "compute it from the balances", as the SDK does.
  const total = sumCoins(balances.map((b) => b.coins));
  const supply = parseCoins(g.supply, `${ROOT}.supply`);
  if (supply.length > 0 && !coinsEqual(supply, total)) {
    const declared = new Map(supply.map((c) => [c.denom, c.amount]));
    const summed = new Map(total.map((c) => [c.denom, c.amount]));
    const denom = [...new Set([...declared.keys(), ...summed.keys()])]
      .sort()
      .find((d) => (declared.get(d) ?? 0n) !== (summed.get(d) ?? 0n))!;
    fail(
      `${ROOT}.supply`,
      `${denom} supply ${declared.get(denom) ?? 0n} does not equal the sum of balances ${summed.get(denom) ?? 0n} (or leave supply empty to have it computed)`,
    );
  }

  const denomMetadata = g.denom_metadata.map((m, i) => checkMetadata(m, `${ROOT}.denom_metadata[${i}]`));
  refuseDuplicates(
    bankErrors.invalidGenesis,
    denomMetadata.map((m) => m.base),
    (i) => `${ROOT}.denom_metadata[${i}].base`,
    "metadata for",
  );
  refuseDuplicates(
    bankErrors.invalidGenesis,
    g.send_enabled.map((s) => s.denom),
    (i) => `${ROOT}.send_enabled[${i}].denom`,
    "send_enabled entry for",
  );

  return {
    params: { defaultSendEnabled: g.params?.default_send_enabled ?? true },
    balances,
    supply: total,
    denomMetadata,
    sendEnabled: g.send_enabled,
  };
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
