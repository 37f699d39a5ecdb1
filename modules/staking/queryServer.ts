/** staking queries on /strike.staking.v1.Query/*: validators, delegations, unbondings, rewards, pools, params. */
import * as q from "../../chain/codec/generated/strike/staking/v1/query.js";
import { Params } from "../../chain/codec/generated/strike/staking/v1/staking.js";
import { addressBytesView, isValidAddress } from "../../chain/crypto/address.js";
import type { Coin } from "../../chain/runtime/coins.js";
import { grpcInvalidArgument, grpcNotFound } from "../../chain/runtime/queryErrors.js";
import type { QueryContext, QueryRoute } from "../../chain/runtime/types.js";
import { compareBytes, fromHex, toHex } from "../../chain/types/bytes.js";
import { decToString } from "../../chain/types/fixed/index.js";
import type { StakingKeeper } from "./keeper.js";
import { consAddressOf, paramsCodec, validatorToProto, type ValidatorRecord } from "./state.js";

const P = "/strike.staking.v1.Query/";

function checkAddress(address: string, what: string): void {
  if (!isValidAddress(address)) throw grpcInvalidArgument(`invalid ${what} address "${address}"`);
}

const coinsJson = (coins: readonly Coin[]) => coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));

/** "0A1B…" (40 hex characters, any case) → 20 bytes. */
export function parseConsAddress(text: string): Uint8Array {
  if (!/^[0-9a-fA-F]{40}$/.test(text))
    throw grpcInvalidArgument(`"${text}" is not a 40-character hex consensus address`);
  return fromHex(text.toLowerCase());
}

export function stakingQueryRoutes(keeper: StakingKeeper): QueryRoute[] {
  const info = (ctx: QueryContext, v: ValidatorRecord): q.ValidatorInfo => ({
    validator: validatorToProto(v),
    consensusAddress: toHex(consAddressOf(v.pubKey)).toUpperCase(),
    power: keeper.bondedPowerOf(ctx, v.operator),
  });
  return [
    {
      path: `${P}Validators`,
      handle(ctx, data) {
        const req = q.QueryValidatorsRequest.decode(data);
        if (!["", "bonded", "unbonded"].includes(req.status))
          throw grpcInvalidArgument(`status must be "bonded", "unbonded" or empty, got "${req.status}"`);
        const validators = keeper
          .validators(ctx)
          .filter((v) => req.status === "" || v.bonded === (req.status === "bonded"))
          .sort((a, b) =>
            a.tokens !== b.tokens
              ? a.tokens > b.tokens
                ? -1
                : 1
              : compareBytes(addressBytesView(a.operator), addressBytesView(b.operator)),
          )
          .map((v) => info(ctx, v));
        return q.QueryValidatorsResponse.encode({ validators }).finish();
      },
    },
    {
      path: `${P}Validator`,
      pointReadsOnly: true,
      handle(ctx, data) {
        const req = q.QueryValidatorRequest.decode(data);
        let v: ValidatorRecord | undefined;
        if (req.operatorAddress !== "") {
          checkAddress(req.operatorAddress, "operator");
          v = keeper.validator(ctx, req.operatorAddress);
        } else if (req.consensusAddress !== "") {
          v = keeper.validatorByConsAddress(ctx, parseConsAddress(req.consensusAddress));
        } else throw grpcInvalidArgument("give an operator address or a consensus address");
        if (v === undefined) throw grpcNotFound(`validator ${req.operatorAddress || req.consensusAddress}`);
        return q.QueryValidatorResponse.encode({ validator: info(ctx, v) }).finish();
      },
    },
    {
      path: `${P}Delegations`,
      handle(ctx, data) {
        const req = q.QueryDelegationsRequest.decode(data);
        checkAddress(req.delegatorAddress, "delegator");
        const delegations = keeper.delegationsOf(ctx, req.delegatorAddress).map(([delegator, validator, shares]) => ({
          delegation: { delegatorAddress: delegator, validatorAddress: validator, shares: decToString(shares) },
          balance: keeper.delegationTokens(ctx, delegator, validator).toString(),
          rewards: coinsJson(keeper.pendingRewards(ctx, delegator, validator)),
        }));
        return q.QueryDelegationsResponse.encode({ delegations }).finish();
      },
    },
    {
      path: `${P}UnbondingDelegations`,
      handle(ctx, data) {
        const req = q.QueryUnbondingDelegationsRequest.decode(data);
        checkAddress(req.delegatorAddress, "delegator");
        return q.QueryUnbondingDelegationsResponse.encode({
          entries: keeper.unbondingsOf(ctx, req.delegatorAddress),
        }).finish();
      },
    },
    {
      path: `${P}Rewards`,
      handle(ctx, data) {
        const req = q.QueryRewardsRequest.decode(data);
        checkAddress(req.delegatorAddress, "delegator");
        checkAddress(req.validatorAddress, "validator");
        return q.QueryRewardsResponse.encode({
          rewards: coinsJson(keeper.pendingRewards(ctx, req.delegatorAddress, req.validatorAddress)),
          commission:
            req.delegatorAddress === req.validatorAddress
              ? coinsJson(keeper.pendingCommission(ctx, req.validatorAddress))
              : [],
        }).finish();
      },
    },
    {
      path: `${P}Pool`,
      handle(ctx, data) {
        q.QueryPoolRequest.decode(data);
        const pools = keeper.poolBalances(ctx);
        return q.QueryPoolResponse.encode({
          bondedTokens: pools.bonded.toString(),
          notBondedTokens: pools.notBonded.toString(),
          communityPool: coinsJson(keeper.communityPool(ctx)),
          totalPower: keeper.totalBondedPower(ctx),
        }).finish();
      },
    },
    {
      path: `${P}Params`,
      pointReadsOnly: true,
      handle: (ctx) =>
        q.QueryParamsResponse.encode({ params: Params.decode(paramsCodec.encode(keeper.params(ctx))) }).finish(),
    },
  ];
}
