/**
 * Registers staking: its messages and queries, genesis, fee distribution at begin block,
 * and at end block the unbonding payouts and the validator-set election. endBlock returns
 * the validator updates for finalizeBlock to hand to consensus.
 */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import type { ValidatorUpdate } from "../../chain/types/abci.js";
import { initStakingGenesis } from "./genesis.js";
import type { StakingKeeper } from "./keeper.js";
import { MODULE_NAME, STORE_KEY } from "./keys.js";
import { stakingMsgRoutes } from "./msgServer.js";
import { stakingQueryRoutes } from "./queryServer.js";

/** End-block work of staking; returns the changes of the validator set (power 0 removes). */
export function stakingEndBlock(ctx: Context, keeper: StakingKeeper): ValidatorUpdate[] {
  keeper.completeUnbondings(ctx);
  return keeper.applyAndReturnValidatorSetUpdates(ctx);
}

export interface StakingModule extends AppModule {
  endBlock(ctx: Context): ValidatorUpdate[];
}

export function createStakingModule(keeper: StakingKeeper): StakingModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: stakingMsgRoutes(keeper),
    queries: stakingQueryRoutes(keeper),
    initGenesis: (ctx: Context, state: unknown) => initStakingGenesis(ctx, keeper, state),
    beginBlock: (ctx: Context) => keeper.allocateFees(ctx),
    endBlock: (ctx: Context) => stakingEndBlock(ctx, keeper),
  };
}
