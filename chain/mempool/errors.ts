import { registerError } from "../types/errors.js";

export const mempoolErrors = {
  full: registerError("mempool", 2, "mempool is full"),
  txTooLarge: registerError("mempool", 3, "tx too large"),
  emptyTx: registerError("mempool", 4, "tx is empty"),
} as const;
