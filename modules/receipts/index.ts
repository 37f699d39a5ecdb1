export {
  createReceiptsKeeper,
  type ReceiptsKeeper,
  type ReceiptsKeeperDeps,
  type Punishment,
  type CommittedReport,
} from "./keeper.js";
export { createReceiptsModule } from "./module.js";
export { receiptsErrors } from "./errors.js";
export {
  validateReceiptsGenesis,
  defaultReceiptsGenesis,
  receiptsGenesisJson,
  type ReceiptsGenesis,
} from "./genesis.js";
export type { ReceiptsStakingKeeper, ReceiptsSlashingKeeper, ReceiptsValidator } from "./expectedKeepers.js";
export { defaultReceiptsParams, type ReceiptsParams } from "./state.js";
export { proveViolation, type ProvenViolation, type ViolationKind } from "./violation.js";
export { MSG_COMMIT_REPORT_TYPE_URL, MSG_RECEIPT_VIOLATION_TYPE_URL } from "./msgServer.js";
export { MODULE_NAME as RECEIPTS_MODULE_NAME, STORE_KEY as RECEIPTS_STORE_KEY } from "./keys.js";
