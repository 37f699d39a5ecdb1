/**
 * Slashing a validator for an infraction at `infractionHeight` with `power` at the time
 * (Cosmos' Keeper.Slash): the amount is power × powerReduction × fraction. Unbonding
 * entries begun at or after the infraction height (and not yet paid) give up the fraction
 * of their initial balance first; the rest comes from the validator's tokens, never more
 * than it has. Delegator shares stay, so every delegator loses pro rata. Slashed tokens
 * go to the community pool (supply is unchanged).
 */
import type { Context } from "../../chain/runtime/types.js";
import { DEC_SCALE, type Dec } from "../../chain/types/fixed/index.js";
import type { StakingAccountKeeper, StakingBankKeeper } from "./expectedKeepers.js";
import { BONDED_POOL, DISTRIBUTION_ACCOUNT, NOT_BONDED_POOL } from "./keys.js";
import { addToCommunityPool } from "./rewards.js";
import { getParams, getValidator, setValidator, unbondingsOfValidator, updateUnbonding } from "./state.js";

export interface SlashEnv {
  bank: StakingBankKeeper;
  accounts: StakingAccountKeeper;
}

function toCommunityPool(ctx: Context, env: SlashEnv, pool: string, amount: bigint): void {
  if (amount === 0n) return;
  const denom = getParams(ctx).bondDenom;
  env.bank.sendCoins(ctx, env.accounts.moduleAddress(pool), env.accounts.moduleAddress(DISTRIBUTION_ACCOUNT), [
    { denom, amount },
  ]);
  addToCommunityPool(ctx, denom, amount);
}

/** Returns the tokens taken (from entries and the validator). */
export function slashValidator(
  ctx: Context,
  env: SlashEnv,
  operator: string,
  infractionHeight: bigint,
  power: bigint,
  fraction: Dec,
  reason: string,
): bigint {
  const v = getValidator(ctx, operator);
  if (v === undefined || fraction <= 0n) return 0n;
  const { powerReduction } = getParams(ctx);
  const target = (power * powerReduction * fraction) / DEC_SCALE;
  let remaining = target;
  let fromEntries = 0n;
  if (infractionHeight < ctx.block.height) {
    for (const e of unbondingsOfValidator(ctx, operator)) {
      if (e.creationHeight < infractionHeight || e.completionTime <= ctx.block.time.seconds) continue;
      const due = (BigInt(e.initialBalance) * fraction) / DEC_SCALE;
      const balance = BigInt(e.balance);
      const taken = due < balance ? due : balance;
      remaining -= due;
      if (taken === 0n) continue;
      updateUnbonding(ctx, { ...e, balance: (balance - taken).toString() });
      fromEntries += taken;
    }
  }
  toCommunityPool(ctx, env, NOT_BONDED_POOL, fromEntries);
  const fromTokens = remaining <= 0n ? 0n : remaining < v.tokens ? remaining : v.tokens;
  if (fromTokens > 0n) {
    setValidator(ctx, { ...v, tokens: v.tokens - fromTokens }, v);
    toCommunityPool(ctx, env, v.bonded ? BONDED_POOL : NOT_BONDED_POOL, fromTokens);
  }
  ctx.events.emit("slash", [
    ["validator", operator],
    ["power", power.toString()],
    ["reason", reason],
    ["burned", (fromEntries + fromTokens).toString()],
  ]);
  return fromEntries + fromTokens;
}
