import { sdkErrors } from "../../types/errors.js";
import type { AnteStep } from "./types.js";

export const validateSigCount: AnteStep = (ctx, tx, env) => {
  const limit = env.accounts.params(ctx).txSigLimit;
  if (BigInt(tx.signatures.length) > limit) {
    throw sdkErrors.tooManySignatures(`signatures: ${tx.signatures.length}, limit: ${limit}`);
  }
};
