/**
 * The staking keeper: the only writer of validators, delegations, unbonding entries and
 * rewards. Bonded validators' tokens sit in the bonded pool, all other stake (unbonded
 * validators, unbonding entries) in the not-bonded pool, so that each pool's bank balance
 * equals the stake it stands for.
 */
import { sumCoins, type Coin } from "../../chain/runtime/coins.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import type { ValidatorUpdate } from "../../chain/types/abci.js";
import { abs, type Dec } from "../../chain/types/fixed/index.js";
import { stakingErrors } from "./errors.js";
import type { StakingAccountKeeper, StakingBankKeeper } from "./expectedKeepers.js";
import { BONDED_POOL, NOT_BONDED_POOL } from "./keys.js";
import {
  allocateFees,
  communityPoolCoins,
  pendingCommission,
  pendingRewards,
  resetSnapshot,
  spendCommunityPool,
  settleRewards,
  sweepOutstanding,
  withdrawCommission,
  type RewardEnv,
} from "./rewards.js";
import { outstanding, validatorKey } from "./rewardState.js";
import { sharesForTokens, tokensOfShares, unbondShares } from "./shares.js";
import { slashValidator } from "./slash.js";
import {
  addUnbonding,
  allDelegations,
  allValidators,
  consAddressOf,
  getDelegation,
  getLastPower,
  getParams,
  getValidator,
  matureUnbondings,
  operatorByConsAddress,
  removeUnbonding,
  setDelegation,
  setParams,
  setValidator,
  unbondingsOfDelegator,
  type StakingParams,
  type ValidatorRecord,
} from "./state.js";
import { checkCommissionRates, checkMoniker, checkPubKey, type CommissionRates } from "./validation.js";
import {
  applyAndReturnValidatorSetUpdates,
  bondedValidators,
  movePoolTokens,
  totalBondedPower,
  type BondedValidator,
} from "./validatorSet.js";

const COMMISSION_CHANGE_INTERVAL_SECONDS = 86_400n;

export interface StakingKeeperConfig {
  bank: StakingBankKeeper;
  accounts: StakingAccountKeeper;
  /** Module account whose balance is distributed as rewards; "fee_collector" unless told. */
  feeCollector?: string;
}

export interface CreateValidatorInput {
  operator: string;
  pubKey: Uint8Array;
  moniker: string;
  commission: CommissionRates;
  selfDelegation: bigint;
}

export interface EditValidatorInput {
  operator: string;
  /** Unchanged when undefined. */
  moniker?: string;
  commissionRate?: Dec;
}

export function createStakingKeeper(config: StakingKeeperConfig) {
  const env: RewardEnv = {
    bank: config.bank,
    accounts: config.accounts,
    feeCollector: config.feeCollector ?? "fee_collector",
  };
  const poolOf = (v: ValidatorRecord) => config.accounts.moduleAddress(v.bonded ? BONDED_POOL : NOT_BONDED_POOL);

  function requireValidator(src: StoreSource, operator: string): ValidatorRecord {
    const v = getValidator(src, operator);
    if (v === undefined) throw stakingErrors.validatorNotFound(`no validator is operated by ${operator}`);
    return v;
  }

  const keeper = {
    params: (src: StoreSource): StakingParams => getParams(src),
    setParams: (src: StoreSource, p: StakingParams) => setParams(src, p),

    validator: (src: StoreSource, operator: string) => getValidator(src, operator),
    /** The validator whose consensus address (sha256(pubkey)[:20]) this is. */
    validatorByConsAddress(src: StoreSource, consAddress: Uint8Array): ValidatorRecord | undefined {
      const operator = operatorByConsAddress(src, consAddress);
      return operator === undefined ? undefined : getValidator(src, operator);
    },
    validators: (src: StoreSource): ValidatorRecord[] => [...allValidators(src)],
    /** The last validator set sent to consensus, by power descending then operator address. */
    bondedValidators: (src: StoreSource): BondedValidator[] => bondedValidators(src, consAddressOf),
    totalBondedPower: (src: StoreSource): bigint => totalBondedPower(src),
    /** Power of the operator's validator in the last set; 0 if it is not in it (oracle weights). */
    bondedPowerOf: (src: StoreSource, operator: string): bigint => getLastPower(src, operator) ?? 0n,
    /** The whole last set as updates, for checking initChain's validators against genesis. */
    lastValidatorUpdates: (src: StoreSource): ValidatorUpdate[] =>
      bondedValidators(src, consAddressOf).map((b) => ({ pubKey: b.pubKey, power: b.power })),

    delegation: (src: StoreSource, delegator: string, validator: string): Dec =>
      getDelegation(src, delegator, validator),
    delegationsOf: (src: StoreSource, delegator: string) => [...allDelegations(src, delegator)],
    /** A delegation's current worth in tokens. */
    delegationTokens(src: StoreSource, delegator: string, validator: string): bigint {
      const v = getValidator(src, validator);
      return v === undefined ? 0n : tokensOfShares(v, getDelegation(src, delegator, validator));
    },
    unbondingsOf: (src: StoreSource, delegator: string) => unbondingsOfDelegator(src, delegator),
    pendingRewards: (src: StoreSource, delegator: string, validator: string): Coin[] =>
      pendingRewards(src, delegator, validator),
    pendingCommission: (src: StoreSource, validator: string): Coin[] => pendingCommission(src, validator),
    /** Delegator rewards allocated to the validator and not yet paid (at least the sum of what is pending). */
    outstandingRewards: (src: StoreSource, validator: string): Coin[] => outstanding.all(src, validatorKey(validator)),
    communityPool: (src: StoreSource): Coin[] => communityPoolCoins(src),
    /** The two pools' bank balances of the bond denom. */
    poolBalances(src: StoreSource): { bonded: bigint; notBonded: bigint } {
      const denom = getParams(src).bondDenom;
      return {
        bonded: config.bank.getBalance(src, config.accounts.moduleAddress(BONDED_POOL), denom),
        notBonded: config.bank.getBalance(src, config.accounts.moduleAddress(NOT_BONDED_POOL), denom),
      };
    },

    createValidator(ctx: Context, input: CreateValidatorInput): void {
      checkPubKey(input.pubKey);
      checkMoniker(input.moniker);
      checkCommissionRates(input.commission);
      if (getValidator(ctx, input.operator) !== undefined)
        throw stakingErrors.validatorExists(`${input.operator} already operates a validator`);
      if (operatorByConsAddress(ctx, consAddressOf(input.pubKey)) !== undefined) throw stakingErrors.pubKeyInUse();
      const v: ValidatorRecord = {
        operator: input.operator,
        pubKey: Uint8Array.from(input.pubKey),
        moniker: input.moniker,
        bonded: false,
        jailed: false,
        tokens: 0n,
        shares: 0n,
        commission: { ...input.commission, updateTime: ctx.block.time.seconds },
      };
      setValidator(ctx, v);
      ctx.events.emit("create_validator", [
        ["validator", input.operator],
        ["amount", `${input.selfDelegation}${getParams(ctx).bondDenom}`],
      ]);
      keeper.delegate(ctx, input.operator, input.operator, input.selfDelegation);
    },

    editValidator(ctx: Context, input: EditValidatorInput): void {
      const v = requireValidator(ctx, input.operator);
      const next: ValidatorRecord = { ...v, commission: { ...v.commission } };
      if (input.moniker !== undefined) {
        checkMoniker(input.moniker);
        next.moniker = input.moniker;
      }
      if (input.commissionRate !== undefined) {
        const rate = input.commissionRate;
        const c = v.commission;
        if (ctx.block.time.seconds - c.updateTime < COMMISSION_CHANGE_INTERVAL_SECONDS)
          throw stakingErrors.commissionChangeTooSoon(`the last change was at unix time ${c.updateTime}`);
        checkCommissionRates({ rate, maxRate: c.maxRate, maxChangeRate: c.maxChangeRate });
        if (abs(rate - c.rate) > c.maxChangeRate) throw stakingErrors.commissionChangeTooLarge();
        next.commission = { ...c, rate, updateTime: ctx.block.time.seconds };
      }
      setValidator(ctx, next, v);
      ctx.events.emit("edit_validator", [
        ["validator", v.operator],
        ["moniker", next.moniker],
      ]);
    },

    delegate(ctx: Context, delegator: string, validator: string, amount: bigint): Dec {
      if (amount <= 0n) throw stakingErrors.invalidAmount("the amount must be positive");
      const v = requireValidator(ctx, validator);
      const shares = sharesForTokens(v, amount);
      const { bondDenom } = getParams(ctx);
      config.bank.sendCoins(ctx, delegator, poolOf(v), [{ denom: bondDenom, amount }]);
      settleRewards(ctx, env, delegator, validator);
      setValidator(ctx, { ...v, tokens: v.tokens + amount, shares: v.shares + shares }, v);
      setDelegation(ctx, delegator, validator, getDelegation(ctx, delegator, validator) + shares);
      resetSnapshot(ctx, delegator, validator);
      ctx.events.emit("delegate", [
        ["validator", validator],
        ["delegator", delegator],
        ["amount", `${amount}${bondDenom}`],
      ]);
      return shares;
    },

    /** Moves `amount` of the delegation into an unbonding entry; returns its completion time (unix seconds). */
    undelegate(ctx: Context, delegator: string, validator: string, amount: bigint): bigint {
      if (amount <= 0n) throw stakingErrors.invalidAmount("the amount must be positive");
      const v = requireValidator(ctx, validator);
      const held = getDelegation(ctx, delegator, validator);
      if (held === 0n) throw stakingErrors.delegationNotFound(`${delegator} has not delegated to ${validator}`);
      const worth = tokensOfShares(v, held);
      if (amount > worth)
        throw stakingErrors.insufficientStake(`the delegation is worth ${worth}, asked for ${amount}`);
      settleRewards(ctx, env, delegator, validator);
      const out = unbondShares(v, amount, held);
      const after = { ...v, tokens: v.tokens - out.tokens, shares: v.shares - out.shares };
      setValidator(ctx, after, v);
      setDelegation(ctx, delegator, validator, held - out.shares);
      resetSnapshot(ctx, delegator, validator);
      if (after.shares === 0n) sweepOutstanding(ctx, validator);
      if (v.bonded) movePoolTokens(ctx, config, false, out.tokens);
      const params = getParams(ctx);
      const completionTime = ctx.block.time.seconds + params.unbondingTimeSeconds;
      addUnbonding(ctx, {
        delegatorAddress: delegator,
        validatorAddress: validator,
        creationHeight: ctx.block.height,
        completionTime,
        initialBalance: out.tokens.toString(),
        balance: out.tokens.toString(),
      });
      ctx.events.emit("unbond", [
        ["validator", validator],
        ["delegator", delegator],
        ["amount", `${out.tokens}${params.bondDenom}`],
        ["completion_time", completionTime.toString()],
      ]);
      return completionTime;
    },

    /** Pays the delegation's rewards, and the commission when the delegator operates the validator. */
    withdrawRewards(ctx: Context, delegator: string, validator: string): Coin[] {
      requireValidator(ctx, validator);
      const isOperator = delegator === validator;
      if (getDelegation(ctx, delegator, validator) === 0n && !isOperator)
        throw stakingErrors.nothingToWithdraw(`${delegator} has not delegated to ${validator}`);
      const paid = settleRewards(ctx, env, delegator, validator);
      resetSnapshot(ctx, delegator, validator);
      const commission = isOperator ? withdrawCommission(ctx, env, validator) : [];
      return sumCoins([paid, commission]);
    },

    /** Pays out every unbonding entry whose time has come (end block). */
    completeUnbondings(ctx: Context): void {
      const { bondDenom } = getParams(ctx);
      const pool = config.accounts.moduleAddress(NOT_BONDED_POOL);
      for (const e of matureUnbondings(ctx, ctx.block.time.seconds)) {
        removeUnbonding(ctx, e);
        const amount = BigInt(e.balance);
        if (amount > 0n) config.bank.sendCoins(ctx, pool, e.delegatorAddress, [{ denom: bondDenom, amount }]);
        ctx.events.emit("complete_unbonding", [
          ["amount", `${amount}${bondDenom}`],
          ["validator", e.validatorAddress],
          ["delegator", e.delegatorAddress],
        ]);
      }
    },

    applyAndReturnValidatorSetUpdates: (ctx: Context): ValidatorUpdate[] =>
      applyAndReturnValidatorSetUpdates(ctx, config),
    allocateFees: (ctx: Context): void => allocateFees(ctx, env),

    /** Slashes the validator with this consensus address; returns the tokens taken (0 if unknown). */
    slash(
      ctx: Context,
      consAddress: Uint8Array,
      infractionHeight: bigint,
      power: bigint,
      fraction: Dec,
      reason: string,
    ): bigint {
      const operator = operatorByConsAddress(ctx, consAddress);
      if (operator === undefined) return 0n;
      return slashValidator(ctx, config, operator, infractionHeight, power, fraction, reason);
    },

    /** Pays bond-denom tokens out of the community pool, where slashed tokens go (a fault reporter's reward). */
    payFromCommunityPool(ctx: Context, recipient: string, amount: bigint): void {
      spendCommunityPool(ctx, env, recipient, getParams(ctx).bondDenom, amount);
    },

    /** Takes the validator out of the candidates; it leaves the set at this block's end. */
    jail(ctx: Context, consAddress: Uint8Array): void {
      const v = keeper.validatorByConsAddress(ctx, consAddress);
      if (v === undefined || v.jailed) return;
      setValidator(ctx, { ...v, jailed: true }, v);
      ctx.events.emit("jail", [["validator", v.operator]]);
    },

    unjail(ctx: Context, operator: string): void {
      const v = requireValidator(ctx, operator);
      if (!v.jailed) return;
      setValidator(ctx, { ...v, jailed: false }, v);
      ctx.events.emit("unjail", [["validator", operator]]);
    },
  };
  return keeper;
}

export type StakingKeeper = ReturnType<typeof createStakingKeeper>;
