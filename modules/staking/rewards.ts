/**
 * Fee rewards, "reward per share" style. At each begin block the fee collector's balance
 * (every denom) moves to the distribution account and is split among the last validator
 * set pro rata to power; each validator keeps its commission and the rest raises its
 * reward-per-share accumulator. A delegation is owed shares × (accumulator − its snapshot).
 * Everything rounds down; what the validator split leaves goes to the community pool, and
 * what the per-delegation rounding leaves stays in the validator's outstanding amount,
 * swept to the community pool when its last delegation leaves. So the distribution
 * account's balance is exactly: community pool + commissions + outstanding.
 */
import { formatCoins, type Coin } from "../../chain/runtime/coins.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import { DEC_SCALE } from "../../chain/types/fixed/index.js";
import { stakingErrors } from "./errors.js";
import type { StakingAccountKeeper, StakingBankKeeper } from "./expectedKeepers.js";
import { DISTRIBUTION_ACCOUNT } from "./keys.js";
import {
  NO_KEY,
  commission,
  communityPool,
  delegationKey,
  outstanding,
  rewardPerShare,
  rewardSnapshot,
  validatorKey,
} from "./rewardState.js";
import { getDelegation, getValidator, lastPowers } from "./state.js";

/** Scale of the reward-per-share accumulator: shares are Dec raw (1e18 per token), so 1e36 keeps small rewards. */
export const REWARD_SCALE = 10n ** 36n;

export interface RewardEnv {
  bank: StakingBankKeeper;
  accounts: StakingAccountKeeper;
  /** Module account name whose balance is distributed (the ante's fee collector). */
  feeCollector: string;
}

function allocateToValidator(ctx: Context, operator: string, denom: string, amount: bigint): void {
  const v = getValidator(ctx, operator)!;
  const key = validatorKey(operator);
  if (v.shares === 0n) {
    communityPool.add(ctx, NO_KEY, denom, amount);
    return;
  }
  const comm = (amount * v.commission.rate) / DEC_SCALE;
  const rest = amount - comm;
  commission.add(ctx, key, denom, comm);
  outstanding.add(ctx, key, denom, rest);
  rewardPerShare.add(ctx, key, denom, (rest * REWARD_SCALE) / v.shares);
}

/** Distributes everything in the fee collector to the last validator set (begin block). */
export function allocateFees(ctx: Context, env: RewardEnv): void {
  const from = env.accounts.moduleAddress(env.feeCollector);
  const set = [...lastPowers(ctx)];
  const total = set.reduce((s, [, p]) => s + p, 0n);
  // With no bonded validators (a chain whose validators come only from the genesis list)
  // there is no one to pay: fees stay in the fee collector.
  if (total === 0n) return;
  const fees = env.bank.getAllBalances(ctx, from).filter((c) => c.amount > 0n);
  if (fees.length === 0) return;
  env.bank.sendCoins(ctx, from, env.accounts.moduleAddress(DISTRIBUTION_ACCOUNT), fees);
  for (const c of fees) {
    let left = c.amount;
    for (const [operator, power] of set) {
      const share = (c.amount * power) / total;
      if (share === 0n) continue;
      allocateToValidator(ctx, operator, c.denom, share);
      left -= share;
    }
    communityPool.add(ctx, NO_KEY, c.denom, left);
  }
  ctx.events.emit("rewards", [["amount", formatCoins(fees)]]);
}

/** Rewards a delegation has earned and not withdrawn, in denom order. */
export function pendingRewards(src: StoreSource, delegator: string, validator: string): Coin[] {
  const shares = getDelegation(src, delegator, validator);
  if (shares === 0n) return [];
  const dk = delegationKey(delegator, validator);
  const out: Coin[] = [];
  for (const acc of rewardPerShare.all(src, validatorKey(validator))) {
    const owed = (shares * (acc.amount - rewardSnapshot.get(src, dk, acc.denom))) / REWARD_SCALE;
    if (owed > 0n) out.push({ denom: acc.denom, amount: owed });
  }
  return out;
}

/**
 * Pays a delegation's pending rewards and moves its snapshot to the current accumulator.
 * Called before any change of its shares, so that rewards always use the shares they were earned with.
 */
export function settleRewards(ctx: Context, env: RewardEnv, delegator: string, validator: string): Coin[] {
  const pending = pendingRewards(ctx, delegator, validator);
  const vk = validatorKey(validator);
  for (const c of pending) outstanding.add(ctx, vk, c.denom, -c.amount);
  if (pending.length > 0) {
    env.bank.sendCoins(ctx, env.accounts.moduleAddress(DISTRIBUTION_ACCOUNT), delegator, pending);
    ctx.events.emit("withdraw_rewards", [
      ["amount", formatCoins(pending)],
      ["validator", validator],
      ["delegator", delegator],
    ]);
  }
  return pending;
}

/** Sets a delegation's snapshot to the accumulator (after its shares changed), or clears it when gone. */
export function resetSnapshot(ctx: Context, delegator: string, validator: string): void {
  const dk = delegationKey(delegator, validator);
  const held = getDelegation(ctx, delegator, validator) > 0n;
  for (const acc of rewardPerShare.all(ctx, validatorKey(validator)))
    rewardSnapshot.set(ctx, dk, acc.denom, held ? acc.amount : 0n);
}

/** When a validator's last share is gone, what rounding left in its outstanding rewards belongs to no one. */
export function sweepOutstanding(ctx: Context, validator: string): void {
  const vk = validatorKey(validator);
  for (const c of outstanding.all(ctx, vk)) {
    communityPool.add(ctx, NO_KEY, c.denom, c.amount);
    outstanding.set(ctx, vk, c.denom, 0n);
  }
}

export function pendingCommission(src: StoreSource, validator: string): Coin[] {
  return commission.all(src, validatorKey(validator));
}

/** Pays the validator's accumulated commission to its operator. */
export function withdrawCommission(ctx: Context, env: RewardEnv, validator: string): Coin[] {
  const vk = validatorKey(validator);
  const coins = commission.all(ctx, vk);
  if (coins.length === 0) return [];
  for (const c of coins) commission.set(ctx, vk, c.denom, 0n);
  env.bank.sendCoins(ctx, env.accounts.moduleAddress(DISTRIBUTION_ACCOUNT), validator, coins);
  ctx.events.emit("withdraw_commission", [
    ["amount", formatCoins(coins)],
    ["validator", validator],
  ]);
  return coins;
}

/** Adds slashed or undistributable coins to the community pool (they are already in the distribution account). */
export function addToCommunityPool(ctx: Context, denom: string, amount: bigint): void {
  communityPool.add(ctx, NO_KEY, denom, amount);
}

/** Pays `amount` of `denom` out of the community pool (a reporter's reward for proving a slashable fault). */
export function spendCommunityPool(
  ctx: Context,
  env: Pick<RewardEnv, "bank" | "accounts">,
  recipient: string,
  denom: string,
  amount: bigint,
): void {
  const held = communityPool.get(ctx, NO_KEY, denom);
  if (amount <= 0n || amount > held)
    throw stakingErrors.insufficientCommunityPool(`${amount}${denom} of ${held}${denom}`);
  communityPool.add(ctx, NO_KEY, denom, -amount);
  env.bank.sendCoins(ctx, env.accounts.moduleAddress(DISTRIBUTION_ACCOUNT), recipient, [{ denom, amount }]);
}

export function communityPoolCoins(src: StoreSource): Coin[] {
  return communityPool.all(src, NO_KEY);
}
