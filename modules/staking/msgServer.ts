/** The staking messages: validate, call the keeper; the keeper emits the events. */
import * as tx from "../../chain/codec/generated/strike/staking/v1/tx.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { msgRoute } from "../../chain/runtime/msgRoute.js";
import type { Context, MsgRoute } from "../../chain/runtime/types.js";
import { sdkErrors } from "../../chain/types/errors.js";
import type { StakingKeeper } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import {
  checkCommissionRates,
  checkMoniker,
  checkPubKey,
  parseRate,
  parseStake,
  type CommissionRates,
} from "./validation.js";

const T = "/strike.staking.v1.";

function checkAddress(address: string, what: string): void {
  if (!isValidAddress(address)) throw sdkErrors.invalidAddress(`invalid ${what} address "${address}"`);
}

function rates(m: tx.MsgCreateValidator): CommissionRates {
  const c = {
    rate: parseRate(m.commissionRate, "commission rate"),
    maxRate: parseRate(m.commissionMaxRate, "commission max rate"),
    maxChangeRate: parseRate(m.commissionMaxChangeRate, "commission max change rate"),
  };
  checkCommissionRates(c);
  return c;
}

export function stakingMsgRoutes(keeper: StakingKeeper): MsgRoute<unknown>[] {
  const denom = (ctx: Context) => keeper.params(ctx).bondDenom;
  return [
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgCreateValidator`,
      codec: tx.MsgCreateValidator,
      response: tx.MsgCreateValidatorResponse,
      signer: (m) => m.operatorAddress,
      validateBasic(m) {
        checkAddress(m.operatorAddress, "operator");
        checkPubKey(m.pubkey);
        checkMoniker(m.moniker);
        rates(m);
        parseStake(m.selfDelegation);
      },
      handle(ctx, m) {
        keeper.createValidator(ctx, {
          operator: m.operatorAddress,
          pubKey: m.pubkey,
          moniker: m.moniker,
          commission: rates(m),
          selfDelegation: parseStake(m.selfDelegation, denom(ctx)),
        });
        return {};
      },
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgEditValidator`,
      codec: tx.MsgEditValidator,
      response: tx.MsgEditValidatorResponse,
      signer: (m) => m.operatorAddress,
      validateBasic(m) {
        checkAddress(m.operatorAddress, "operator");
        if (m.moniker !== "") checkMoniker(m.moniker);
        if (m.commissionRate !== "") parseRate(m.commissionRate, "commission rate");
      },
      handle(ctx, m) {
        keeper.editValidator(ctx, {
          operator: m.operatorAddress,
          ...(m.moniker === "" ? {} : { moniker: m.moniker }),
          ...(m.commissionRate === "" ? {} : { commissionRate: parseRate(m.commissionRate, "commission rate") }),
        });
        return {};
      },
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgDelegate`,
      codec: tx.MsgDelegate,
      response: tx.MsgDelegateResponse,
      signer: (m) => m.delegatorAddress,
      validateBasic(m) {
        checkAddress(m.delegatorAddress, "delegator");
        checkAddress(m.validatorAddress, "validator");
        parseStake(m.amount);
      },
      handle(ctx, m) {
        keeper.delegate(ctx, m.delegatorAddress, m.validatorAddress, parseStake(m.amount, denom(ctx)));
        return {};
      },
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgUndelegate`,
      codec: tx.MsgUndelegate,
      response: tx.MsgUndelegateResponse,
      signer: (m) => m.delegatorAddress,
      validateBasic(m) {
        checkAddress(m.delegatorAddress, "delegator");
        checkAddress(m.validatorAddress, "validator");
        parseStake(m.amount);
      },
      handle(ctx, m) {
        const completionTime = keeper.undelegate(
          ctx,
          m.delegatorAddress,
          m.validatorAddress,
          parseStake(m.amount, denom(ctx)),
        );
        return { completionTime };
      },
    }),
    msgRoute({
      module: MODULE_NAME,
      typeUrl: `${T}MsgWithdrawRewards`,
      codec: tx.MsgWithdrawRewards,
      response: tx.MsgWithdrawRewardsResponse,
      signer: (m) => m.delegatorAddress,
      validateBasic(m) {
        checkAddress(m.delegatorAddress, "delegator");
        checkAddress(m.validatorAddress, "validator");
      },
      handle(ctx, m) {
        const paid = keeper.withdrawRewards(ctx, m.delegatorAddress, m.validatorAddress);
        const amount = paid.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
        return { amount };
      },
    }),
  ];
}
