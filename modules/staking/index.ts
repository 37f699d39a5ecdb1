export {
  createStakingKeeper,
  type StakingKeeper,
  type StakingKeeperConfig,
  type CreateValidatorInput,
  type EditValidatorInput,
} from "./keeper.js";
export { createStakingModule, stakingEndBlock, type StakingModule } from "./module.js";
export { stakingErrors } from "./errors.js";
export {
  validateStakingGenesis,
  defaultStakingGenesis,
  electGenesisValidators,
  genesisPoolAmounts,
  type StakingGenesis,
} from "./genesis.js";
export {
  addGenesisValidator,
  stakingPoolBalances,
  genesisConsensusValidators,
  type GenesisValidatorInput,
  type GenesisPoolBalance,
  type CometGenesisValidator,
} from "./genesisBuilder.js";
export type { StakingAccountKeeper, StakingBankKeeper } from "./expectedKeepers.js";
export type { BondedValidator } from "./validatorSet.js";
export { consAddressOf, defaultStakingParams, type StakingParams, type ValidatorRecord } from "./state.js";
export { REWARD_SCALE } from "./rewards.js";
export { parseConsAddress } from "./queryServer.js";
export {
  BONDED_POOL,
  NOT_BONDED_POOL,
  DISTRIBUTION_ACCOUNT,
  BOND_DENOM,
  VALIDATOR_UPDATE_DELAY,
  MODULE_NAME as STAKING_MODULE_NAME,
  STORE_KEY as STAKING_STORE_KEY,
} from "./keys.js";
