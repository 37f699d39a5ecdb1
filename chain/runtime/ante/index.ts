/** The ante steps in Cosmos' order (x/auth/ante NewAnteHandler). */
import { consumeSigGas } from "./consumeSigGas.js";
import { consumeTxSizeGas } from "./consumeTxSizeGas.js";
import { deductFee } from "./deductFee.js";
import { incrementSequence } from "./incrementSequence.js";
import { rejectExtensionOptions } from "./rejectExtensionOptions.js";
import { setPubKey } from "./setPubKey.js";
import { txTimeoutHeight } from "./txTimeoutHeight.js";
import type { AnteEnv, AnteStep } from "./types.js";
import { validateMemo } from "./validateMemo.js";
import { validateSigCount } from "./validateSigCount.js";
import { verifySignatures } from "./verifySignatures.js";
import type { Context } from "../types.js";
import type { DecodedTx } from "../txDecode.js";

export const defaultAnteSteps: readonly AnteStep[] = [
  rejectExtensionOptions,
  txTimeoutHeight,
  validateMemo,
  consumeTxSizeGas,
  deductFee,
  setPubKey,
  validateSigCount,
  consumeSigGas,
  verifySignatures,
  incrementSequence,
];

export function runAnte(
  ctx: Context,
  tx: DecodedTx,
  env: AnteEnv,
  steps: readonly AnteStep[] = defaultAnteSteps,
): void {
  for (const step of steps) step(ctx, tx, env);
}

export { validateBasicTx } from "./validateBasic.js";
export { signDocBytes } from "./verifySignatures.js";
export type * from "./types.js";
