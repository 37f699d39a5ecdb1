import { registerError } from "../../types/errors.js";
import type { AnteStep } from "./types.js";

/** The SDK's root code 30 (ErrTxTimeoutHeight), not in the shared sdkErrors table. */
export const txTimeoutHeightError = registerError("sdk", 30, "tx timeout height");

export const txTimeoutHeight: AnteStep = (ctx, tx) => {
  const timeout = tx.body.timeoutHeight;
  if (timeout > 0n && ctx.block.height > timeout) {
    throw txTimeoutHeightError(`block height: ${ctx.block.height}, timeout height: ${timeout}`);
  }
};
