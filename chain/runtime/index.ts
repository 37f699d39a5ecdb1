export {
  createBaseApp,
  APP_VERSION,
  DEFAULT_MAX_TX_BYTES,
  type BaseAppOptions,
  type StrikeApp,
  type SimulateOutcome,
  type Logger,
} from "./app.js";
export * from "./coins.js";
export type * from "./types.js";
export { createGasMeter, gasMeteredStore, KV_GAS, KV_GAS_N, type GasMeter } from "./gas.js";
export { decodeTx, type DecodedTx } from "./txDecode.js";
export { signDocBytes } from "./ante/index.js";
