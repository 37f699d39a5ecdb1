export {
  createBridgeKeeper,
  depositContentHash,
  exceedsTwoThirds,
  type BridgeKeeper,
  type WithdrawalProof,
} from "./keeper.js";
export { createBridgeModule } from "./module.js";
export { bridgeErrors } from "./errors.js";
export { defaultBridgeGenesis, type BridgeGenesis } from "./genesis.js";
export type { AccountEquities, AttesterPowers, BridgeBankKeeper } from "./expectedKeepers.js";
export { markExitTouched } from "./exitShares.js";
export { allocateExitEquities, ethAddressOfPubKey, type ExitEntry, type ExitShare } from "./exitTree.js";
export {
  exitLeafAt,
  exitLeafRecords,
  exitProofFor,
  exitSlotOf,
  getExitHeader,
  updateExitTree,
  type ExitLeafRecord,
  type ExitProof,
  type ExitTarget,
  type ExitTreeHeader,
} from "./exitStore.js";
export {
  appendLeaf,
  emptyFrontier,
  exitLeafHash,
  frontierRoot,
  hashPair,
  merkleProofOf,
  merkleRootOf,
  withdrawalLeafHash,
  type TreeFrontier,
} from "./merkleTree.js";
export { parseAmount as parseBridgeAmount, parseL1Address } from "./validation.js";
export {
  BRIDGE_ACCOUNT,
  BRIDGE_DENOM,
  MODULE_NAME as BRIDGE_MODULE_NAME,
  STORE_KEY as BRIDGE_STORE_KEY,
  MSG_ATTEST_DEPOSIT_TYPE_URL,
  MSG_SET_EXIT_ADDRESS_TYPE_URL,
  MSG_WITHDRAW_TYPE_URL,
  QUERY_PATH_PREFIX as BRIDGE_QUERY_PATH_PREFIX,
} from "./keys.js";
