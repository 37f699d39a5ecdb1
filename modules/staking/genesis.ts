/**
 * staking genesis (`app_state.staking`) in Cosmos' JSON style (snake_case, integers as
 * strings): params, validators, delegations, unbonding delegations. Validator status is
 * not given: initGenesis elects the set as end block would, and then the pools' bank
 * balances must match (bonded pool = tokens of the elected validators; not-bonded pool =
 * everyone else's tokens plus unbonding balances).
 */
import { fromBase64 } from "@cosmjs/encoding";
import { addressBytesView, isValidAddress } from "../../chain/crypto/address.js";
import { isValidDenom } from "../../chain/runtime/coins.js";
import type { Context } from "../../chain/runtime/types.js";
import { compareBytes, toBase64 } from "../../chain/types/bytes.js";
import { decFromString, decToString, type Dec } from "../../chain/types/fixed/index.js";
import { isStrikeError } from "../../chain/types/errors.js";
import { lengthPrefixed } from "../../chain/runtime/collection.js";
import { genesisFail, listField, parseGenesisSection } from "../../chain/runtime/genesisFields.js";
import { z } from "zod";
import { stakingErrors } from "./errors.js";
import { BONDED_POOL, NOT_BONDED_POOL } from "./keys.js";
import type { StakingKeeper } from "./keeper.js";
import {
  addUnbonding,
  consAddressOf,
  defaultStakingParams,
  setDelegation,
  setLastPower,
  setParams,
  setValidator,
  type StakingParams,
  type ValidatorRecord,
} from "./state.js";
import { checkCommissionRates, checkMoniker, checkPubKey } from "./validation.js";
import { electValidators } from "./validatorSet.js";

export const ED25519_PUBKEY_TYPE_URL = "/cosmos.crypto.ed25519.PubKey";

export interface GenesisUnbonding {
  delegator: string;
  validator: string;
  creationHeight: bigint;
  completionTime: bigint;
  initialBalance: bigint;
  balance: bigint;
}

export interface StakingGenesis {
  params: StakingParams;
  /** `bonded` is always false here: the election decides. */
  validators: ValidatorRecord[];
  delegations: { delegator: string; validator: string; shares: Dec }[];
  unbondings: GenesisUnbonding[];
}

type Json = Record<string, unknown>;
const ROOT = "app_state.staking";

function fail(field: string, message: string): never {
  return genesisFail(stakingErrors.invalidGenesis, field, message);
}

/**
 * The section's shape: every object is strict (an unknown key is refused, naming the keys
 * allowed there) and every list a list. A field's value is checked by its own parser below,
 * which says what it must be (an integer string, a decimal, a bech32 address, …).
 */
const value = z.unknown().optional();
const schema = z.strictObject(
  {
    params: z
      .strictObject({
        unbonding_time_seconds: value,
        max_validators: value,
        bond_denom: value,
        power_reduction: value,
      })
      .optional(),
    validators: listField(
      z.strictObject({
        operator_address: value,
        consensus_pubkey: value,
        moniker: value,
        commission: z.strictObject(
          { rate: value, max_rate: value, max_change_rate: value, update_time: value },
          { error: "must be an object" },
        ),
        jailed: value,
        tokens: value,
        delegator_shares: value,
      }),
    ),
    delegations: listField(z.strictObject({ delegator_address: value, validator_address: value, shares: value })),
    unbonding_delegations: listField(
      z.strictObject({
        delegator_address: value,
        validator_address: value,
        creation_height: value,
        completion_time: value,
        initial_balance: value,
        balance: value,
      }),
    ),
  },
  { error: "must be an object" },
);
type Shape = z.output<typeof schema>;

function uint(v: unknown, field: string, fallback?: bigint): bigint {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v !== "string" || !/^(0|[1-9][0-9]{0,60})$/.test(v))
    fail(field, `must be a non-negative integer string, got ${JSON.stringify(v)}`);
  return BigInt(v);
}
function dec(v: unknown, field: string): Dec {
  if (typeof v !== "string") fail(field, "must be a decimal string");
  try {
    return decFromString(v);
  } catch (e) {
    if (isStrikeError(e)) fail(field, `"${v}" is not a decimal`);
    throw e;
  }
}
function address(v: unknown, field: string): string {
  if (typeof v !== "string" || !isValidAddress(v)) fail(field, `invalid address ${JSON.stringify(v)}`);
  return v;
}
function rethrowAs<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isStrikeError(e)) fail(field, e.message);
    throw e;
  }
}

function parseParams(p: Shape["params"]): StakingParams {
  const d = defaultStakingParams();
  if (p === undefined) return d;
  const f = (k: string) => `${ROOT}.params.${k}`;
  const maxValidators = uint(p.max_validators, f("max_validators"), BigInt(d.maxValidators));
  if (maxValidators === 0n || maxValidators > 10_000n) fail(f("max_validators"), "must be between 1 and 10000");
  const bondDenom = p.bond_denom ?? d.bondDenom;
  if (typeof bondDenom !== "string" || !isValidDenom(bondDenom)) fail(f("bond_denom"), "invalid denom");
  const powerReduction = uint(p.power_reduction, f("power_reduction"), d.powerReduction);
  if (powerReduction === 0n) fail(f("power_reduction"), "must be positive");
  const unbondingTimeSeconds = uint(p.unbonding_time_seconds, f("unbonding_time_seconds"), d.unbondingTimeSeconds);
  if (unbondingTimeSeconds === 0n) fail(f("unbonding_time_seconds"), "must be positive");
  return { unbondingTimeSeconds, maxValidators: Number(maxValidators), bondDenom, powerReduction };
}

function parsePubKey(raw: unknown, field: string): Uint8Array {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(field, "must be an object");
  const pk = raw as Json;
  const text =
    pk["@type"] === ED25519_PUBKEY_TYPE_URL ? pk.key : pk.type === "tendermint/PubKeyEd25519" ? pk.value : undefined;
  if (typeof text !== "string") fail(field, `must be {"@type": "${ED25519_PUBKEY_TYPE_URL}", "key": base64}`);
  const allowed = "@type" in pk ? ["@type", "key"] : ["type", "value"];
  const extra = Object.keys(pk).find((k) => !allowed.includes(k));
  if (extra !== undefined) fail(`${field}.${extra}`, `unknown key; allowed here: ${allowed.join(", ")}`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(text);
  } catch {
    fail(field, "the key is not base64");
  }
  if (bytes.length !== 32) fail(field, `the key must be 32 bytes, got ${bytes.length}`);
  // The rule create-validator applies: a key anyone could sign for is refused.
  rethrowAs(field, () => checkPubKey(bytes));
  return bytes;
}

function parseValidator(v: Shape["validators"][number], field: string): ValidatorRecord {
  const moniker = typeof v.moniker === "string" ? v.moniker : fail(`${field}.moniker`, "must be a string");
  rethrowAs(`${field}.moniker`, () => checkMoniker(moniker));
  const c = v.commission;
  const rates = {
    rate: dec(c.rate, `${field}.commission.rate`),
    maxRate: dec(c.max_rate, `${field}.commission.max_rate`),
    maxChangeRate: dec(c.max_change_rate, `${field}.commission.max_change_rate`),
  };
  rethrowAs(`${field}.commission`, () => checkCommissionRates(rates));
  const jailed = v.jailed ?? false;
  if (typeof jailed !== "boolean") fail(`${field}.jailed`, "must be a boolean");
  const tokens = uint(v.tokens, `${field}.tokens`);
  const shares = dec(v.delegator_shares, `${field}.delegator_shares`);
  if (shares < 0n) fail(`${field}.delegator_shares`, "must not be negative");
  if (tokens > 0n && shares === 0n) fail(`${field}.delegator_shares`, "a validator with tokens must have shares");
  return {
    operator: address(v.operator_address, `${field}.operator_address`),
    pubKey: parsePubKey(v.consensus_pubkey, `${field}.consensus_pubkey`),
    moniker,
    bonded: false,
    jailed,
    tokens,
    shares,
    commission: { ...rates, updateTime: uint(c.update_time, `${field}.commission.update_time`, 0n) },
  };
}

/** Parses and checks `app_state.staking`; throws a StrikeError naming the first bad field. */
export function validateStakingGenesis(raw: unknown): StakingGenesis {
  const g = parseGenesisSection(schema, raw, ROOT, stakingErrors.invalidGenesis);
  const params = parseParams(g.params);
  const operators = new Set<string>();
  const consAddresses = new Set<string>();
  const validators = g.validators.map((r, i) => {
    const f = `${ROOT}.validators[${i}]`;
    const v = parseValidator(r, f);
    if (operators.has(v.operator)) fail(`${f}.operator_address`, `duplicate validator ${v.operator}`);
    const cons = toBase64(consAddressOf(v.pubKey));
    if (consAddresses.has(cons)) fail(`${f}.consensus_pubkey`, "duplicate consensus pubkey");
    operators.add(v.operator);
    consAddresses.add(cons);
    return v;
  });
  const byOperator = new Map(validators.map((v) => [v.operator, v]));
  const shareSums = new Map<string, Dec>();
  const pairs = new Set<string>();
  const delegations = g.delegations.map((d, i) => {
    const f = `${ROOT}.delegations[${i}]`;
    const delegator = address(d.delegator_address, `${f}.delegator_address`);
    const validator = address(d.validator_address, `${f}.validator_address`);
    if (!byOperator.has(validator)) fail(`${f}.validator_address`, `no validator ${validator} in genesis`);
    if (pairs.has(`${delegator}/${validator}`)) fail(f, "duplicate delegation");
    pairs.add(`${delegator}/${validator}`);
    const shares = dec(d.shares, `${f}.shares`);
    if (shares <= 0n) fail(`${f}.shares`, "must be positive");
    shareSums.set(validator, (shareSums.get(validator) ?? 0n) + shares);
    return { delegator, validator, shares };
  });
  validators.forEach((v, i) => {
    const sum = shareSums.get(v.operator) ?? 0n;
    if (sum !== v.shares)
      fail(
        `${ROOT}.validators[${i}].delegator_shares`,
        `is ${decToString(v.shares)} but its delegations sum to ${decToString(sum)}`,
      );
  });
  const unbondings = g.unbonding_delegations.map((u, i) => {
    const f = `${ROOT}.unbonding_delegations[${i}]`;
    const entry: GenesisUnbonding = {
      delegator: address(u.delegator_address, `${f}.delegator_address`),
      validator: address(u.validator_address, `${f}.validator_address`),
      creationHeight: uint(u.creation_height, `${f}.creation_height`, 0n),
      completionTime: uint(u.completion_time, `${f}.completion_time`),
      initialBalance: uint(u.initial_balance, `${f}.initial_balance`),
      balance: uint(u.balance, `${f}.balance`),
    };
    if (entry.balance > entry.initialBalance) fail(`${f}.balance`, "must not exceed initial_balance");
    return entry;
  });
  return { params, validators, delegations, unbondings };
}

/** The validators genesis will bond, as end block elects them: by power, then operator address. */
export function electGenesisValidators(g: StakingGenesis): ValidatorRecord[] {
  const key = (v: ValidatorRecord) => lengthPrefixed(addressBytesView(v.operator));
  return g.validators
    .filter((v) => !v.jailed && v.tokens / g.params.powerReduction > 0n)
    .map((v) => ({ v, power: v.tokens / g.params.powerReduction }))
    .sort((a, b) => (a.power !== b.power ? (a.power > b.power ? -1 : 1) : compareBytes(key(a.v), key(b.v))))
    .slice(0, g.params.maxValidators)
    .map((e) => e.v);
}

/** The bank balances the two pools must hold at genesis (ustrike base units). */
export function genesisPoolAmounts(g: StakingGenesis): { bonded: bigint; notBonded: bigint } {
  const elected = new Set(electGenesisValidators(g).map((v) => v.operator));
  let bonded = 0n;
  let notBonded = 0n;
  for (const v of g.validators) {
    if (elected.has(v.operator)) bonded += v.tokens;
    else notBonded += v.tokens;
  }
  for (const u of g.unbondings) notBonded += u.balance;
  return { bonded, notBonded };
}

export function defaultStakingGenesis(): Json {
  const p = defaultStakingParams();
  return {
    params: {
      unbonding_time_seconds: p.unbondingTimeSeconds.toString(),
      max_validators: p.maxValidators,
      bond_denom: p.bondDenom,
      power_reduction: p.powerReduction.toString(),
    },
    validators: [],
    delegations: [],
    unbonding_delegations: [],
  };
}

export function initStakingGenesis(ctx: Context, keeper: StakingKeeper, raw: unknown): void {
  const g = validateStakingGenesis(raw ?? defaultStakingGenesis());
  setParams(ctx, g.params);
  for (const v of g.validators) setValidator(ctx, v);
  for (const d of g.delegations) setDelegation(ctx, d.delegator, d.validator, d.shares);
  for (const u of g.unbondings)
    addUnbonding(ctx, {
      delegatorAddress: u.delegator,
      validatorAddress: u.validator,
      creationHeight: u.creationHeight,
      completionTime: u.completionTime,
      initialBalance: u.initialBalance.toString(),
      balance: u.balance.toString(),
    });
  for (const v of electValidators(ctx)) {
    setValidator(ctx, { ...v, bonded: true }, v);
    setLastPower(ctx, v.operator, v.tokens / g.params.powerReduction);
  }
  const want = genesisPoolAmounts(g);
  const have = keeper.poolBalances(ctx);
  if (have.bonded !== want.bonded)
    fail(
      ROOT,
      `the ${BONDED_POOL} account holds ${have.bonded}${g.params.bondDenom} but the bonded validators have ${want.bonded}`,
    );
  if (have.notBonded !== want.notBonded)
    fail(
      ROOT,
      `the ${NOT_BONDED_POOL} account holds ${have.notBonded}${g.params.bondDenom} but unbonded stake is ${want.notBonded}`,
    );
}
