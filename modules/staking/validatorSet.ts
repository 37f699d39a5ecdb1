/**
 * The end-block election (Cosmos' ApplyAndReturnValidatorSetUpdates): the top
 * `maxValidators` unjailed validators with power form the set; tokens of validators that
 * join move to the bonded pool and those of validators that leave move out; consensus is
 * told only the changes (power 0 removes a validator).
 */
import { compareBytes } from "../../chain/types/bytes.js";
import { addressBytesView } from "../../chain/crypto/address.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import type { ValidatorUpdate } from "../../chain/types/abci.js";
import type { StakingAccountKeeper, StakingBankKeeper } from "./expectedKeepers.js";
import { BONDED_POOL, NOT_BONDED_POOL } from "./keys.js";
import {
  getParams,
  getValidator,
  lastPowers,
  setLastPower,
  setValidator,
  validatorsByPower,
  type ValidatorRecord,
} from "./state.js";

export interface PoolEnv {
  bank: StakingBankKeeper;
  accounts: StakingAccountKeeper;
}

/** Moves bond-denom tokens between the two pools (nothing for zero). */
export function movePoolTokens(ctx: Context, env: PoolEnv, toBonded: boolean, amount: bigint): void {
  if (amount === 0n) return;
  const bonded = env.accounts.moduleAddress(BONDED_POOL);
  const notBonded = env.accounts.moduleAddress(NOT_BONDED_POOL);
  const coins = [{ denom: getParams(ctx).bondDenom, amount }];
  if (toBonded) env.bank.sendCoins(ctx, notBonded, bonded, coins);
  else env.bank.sendCoins(ctx, bonded, notBonded, coins);
}

/** The validators that should be in the set now, strongest first (ties by operator address). */
export function electValidators(src: StoreSource): ValidatorRecord[] {
  const { maxValidators } = getParams(src);
  const out: ValidatorRecord[] = [];
  if (maxValidators === 0) return out;
  for (const operator of validatorsByPower(src)) {
    out.push(getValidator(src, operator)!);
    if (out.length >= maxValidators) break;
  }
  return out;
}

export function applyAndReturnValidatorSetUpdates(ctx: Context, env: PoolEnv): ValidatorUpdate[] {
  const { powerReduction } = getParams(ctx);
  const last = new Map(lastPowers(ctx));
  const updates: ValidatorUpdate[] = [];
  for (const v of electValidators(ctx)) {
    const power = v.tokens / powerReduction;
    if (!v.bonded) {
      setValidator(ctx, { ...v, bonded: true }, v);
      movePoolTokens(ctx, env, true, v.tokens);
      ctx.events.emit("validator_bonded", [["validator", v.operator]]);
    }
    if (last.get(v.operator) !== power) {
      updates.push({ pubKey: v.pubKey, power });
      setLastPower(ctx, v.operator, power);
    }
    last.delete(v.operator);
  }
  // What is left of the last set has dropped out; `last` iterates in operator-address order.
  for (const operator of last.keys()) {
    const v = getValidator(ctx, operator)!;
    setValidator(ctx, { ...v, bonded: false }, v);
    movePoolTokens(ctx, env, false, v.tokens);
    setLastPower(ctx, operator, undefined);
    updates.push({ pubKey: v.pubKey, power: 0n });
    ctx.events.emit("validator_unbonded", [["validator", operator]]);
  }
  return updates;
}

export interface BondedValidator {
  operator: string;
  consAddress: Uint8Array;
  pubKey: Uint8Array;
  power: bigint;
  tokens: bigint;
}

/** The last validator set, by power descending, ties by operator address bytes. */
export function bondedValidators(src: StoreSource, consAddressOf: (pk: Uint8Array) => Uint8Array): BondedValidator[] {
  const out: BondedValidator[] = [];
  for (const [operator, power] of lastPowers(src)) {
    const v = getValidator(src, operator)!;
    out.push({ operator, consAddress: consAddressOf(v.pubKey), pubKey: v.pubKey, power, tokens: v.tokens });
  }
  return out.sort((a, b) =>
    a.power !== b.power
      ? a.power > b.power
        ? -1
        : 1
      : compareBytes(addressBytesView(a.operator), addressBytesView(b.operator)),
  );
}

export function totalBondedPower(src: StoreSource): bigint {
  let total = 0n;
  for (const [, power] of lastPowers(src)) total += power;
  return total;
}
