export { createSlashingKeeper, slashingBeginBlock, maxMissedBlocks, type SlashingKeeper } from "./keeper.js";
export { createSlashingModule, type SlashingModuleOptions } from "./module.js";
export { slashingErrors } from "./errors.js";
export { validateSlashingGenesis, defaultSlashingGenesis, type SlashingGenesis } from "./genesis.js";
export type { SlashingStakingKeeper, SlashingValidator } from "./expectedKeepers.js";
export type { CometInfo, LastCommitInfo, Misbehavior, MisbehaviorType, VoteInfo } from "./types.js";
export { defaultSlashingParams, type SlashingParams } from "./state.js";
export {
  DOUBLE_SIGN_JAIL_END_SECONDS,
  MODULE_NAME as SLASHING_MODULE_NAME,
  STORE_KEY as SLASHING_STORE_KEY,
} from "./keys.js";
