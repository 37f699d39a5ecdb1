export { createCheckpointKeeper, isSuperMajority, type CheckpointKeeper, type StoredSignature } from "./keeper.js";
export { createCheckpointModule } from "./module.js";
export { checkpointErrors } from "./errors.js";
export { evidenceHorizon } from "./evidence.js";
export {
  addGenesisBlsKey,
  addGenesisEthKey,
  setGenesisCheckpointScheme,
  defaultCheckpointGenesis,
  setGenesisL1Domain,
  validateCheckpointGenesis,
  checkpointGenesisParams,
  type CheckpointGenesis,
} from "./genesis.js";
export type { BridgeRoots, CheckpointStakingKeeper } from "./expectedKeepers.js";
export { digestOf, encodeL1Set, l1Members, recoverSigner, registrationDigest, type DigestFields } from "./ethSig.js";
export { parseEthAddress } from "./msgServer.js";
export { DEFAULT_CHECKPOINT_PARAMS, type CheckpointParams, type CheckpointScheme } from "./state.js";
export {
  BLS_VERIFY_GAS,
  blsL1Members,
  blsRegistrationDigest,
  checkBlsKey,
  checkBlsProof,
  encodeL1SetFor,
} from "./blsSig.js";
export {
  MODULE_NAME as CHECKPOINT_MODULE_NAME,
  STORE_KEY as CHECKPOINT_STORE_KEY,
  MSG_REGISTER_ETH_KEY_TYPE_URL,
  MSG_REGISTER_BLS_KEY_TYPE_URL,
  MSG_SIGN_CHECKPOINT_TYPE_URL,
  MSG_EQUIVOCATION_TYPE_URL,
  MSG_FORGED_CHECKPOINT_TYPE_URL,
  QUERY_PATH_PREFIX as CHECKPOINT_QUERY_PATH_PREFIX,
} from "./keys.js";
