/** The staking messages: validate, call the keeper; the keeper emits the events. */
import * as tx from "../../chain/codec/generated/strike/staking/v1/tx.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import type { AnyMsg, Context, MsgRoute } from "../../chain/runtime/types.js";
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

function response(name: string, value: Uint8Array): AnyMsg {
  return { typeUrl: `${T}${name}Response`, value };
}

function route<T>(
  name: string,
  codec: { decode(b: Uint8Array): T },
  signer: (m: T) => string,
  validateBasic: (m: T) => void,
  handle: MsgRoute<T>["handle"],
): MsgRoute<T> {
  return {
    typeUrl: `${T}${name}`,
    module: MODULE_NAME,
    decode: (b) => codec.decode(b),
    signers: (m) => [signer(m)],
    validateBasic,
    handle,
  };
}

export function stakingMsgRoutes(keeper: StakingKeeper): MsgRoute<unknown>[] {
  const denom = (ctx: Context) => keeper.params(ctx).bondDenom;
  return [
    route(
      "MsgCreateValidator",
      tx.MsgCreateValidator,
      (m) => m.operatorAddress,
      (m) => {
        checkAddress(m.operatorAddress, "operator");
        checkPubKey(m.pubkey);
        checkMoniker(m.moniker);
        rates(m);
        parseStake(m.selfDelegation);
      },
      (ctx, m) => {
        keeper.createValidator(ctx, {
          operator: m.operatorAddress,
          pubKey: m.pubkey,
          moniker: m.moniker,
          commission: rates(m),
          selfDelegation: parseStake(m.selfDelegation, denom(ctx)),
        });
        return response("MsgCreateValidator", tx.MsgCreateValidatorResponse.encode({}).finish());
      },
    ),
    route(
      "MsgEditValidator",
      tx.MsgEditValidator,
      (m) => m.operatorAddress,
      (m) => {
        checkAddress(m.operatorAddress, "operator");
        if (m.moniker !== "") checkMoniker(m.moniker);
        if (m.commissionRate !== "") parseRate(m.commissionRate, "commission rate");
      },
      (ctx, m) => {
        keeper.editValidator(ctx, {
          operator: m.operatorAddress,
          ...(m.moniker === "" ? {} : { moniker: m.moniker }),
          ...(m.commissionRate === "" ? {} : { commissionRate: parseRate(m.commissionRate, "commission rate") }),
        });
        return response("MsgEditValidator", tx.MsgEditValidatorResponse.encode({}).finish());
      },
    ),
    route(
      "MsgDelegate",
      tx.MsgDelegate,
      (m) => m.delegatorAddress,
      (m) => {
        checkAddress(m.delegatorAddress, "delegator");
        checkAddress(m.validatorAddress, "validator");
        parseStake(m.amount);
      },
      (ctx, m) => {
        keeper.delegate(ctx, m.delegatorAddress, m.validatorAddress, parseStake(m.amount, denom(ctx)));
        return response("MsgDelegate", tx.MsgDelegateResponse.encode({}).finish());
      },
    ),
    route(
      "MsgUndelegate",
      tx.MsgUndelegate,
      (m) => m.delegatorAddress,
      (m) => {
        checkAddress(m.delegatorAddress, "delegator");
        checkAddress(m.validatorAddress, "validator");
        parseStake(m.amount);
      },
      (ctx, m) => {
        const completionTime = keeper.undelegate(
          ctx,
          m.delegatorAddress,
          m.validatorAddress,
          parseStake(m.amount, denom(ctx)),
        );
        return response("MsgUndelegate", tx.MsgUndelegateResponse.encode({ completionTime }).finish());
      },
    ),
    route(
      "MsgWithdrawRewards",
      tx.MsgWithdrawRewards,
      (m) => m.delegatorAddress,
      (m) => {
        checkAddress(m.delegatorAddress, "delegator");
        checkAddress(m.validatorAddress, "validator");
      },
      (ctx, m) => {
        const paid = keeper.withdrawRewards(ctx, m.delegatorAddress, m.validatorAddress);
        const amount = paid.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
        return response("MsgWithdrawRewards", tx.MsgWithdrawRewardsResponse.encode({ amount }).finish());
      },
    ),
  ] as MsgRoute<unknown>[];
}
