import type { TxResult } from "../../chain/types/abci.js";

/** A successful tx result with no data or events, for tests that only need one to exist. */
export const okTxResult: TxResult = Object.freeze({
  code: 0,
  codespace: "",
  log: "",
  info: "",
  data: new Uint8Array(0),
  gasWanted: 100n,
  gasUsed: 90n,
  events: [],
});
