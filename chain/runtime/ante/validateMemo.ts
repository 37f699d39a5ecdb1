import { sdkErrors } from "../../types/errors.js";
import type { AnteStep } from "./types.js";

export const validateMemo: AnteStep = (ctx, tx, env) => {
  const max = env.accounts.params(ctx).maxMemoCharacters;
  const length = BigInt([...tx.body.memo].length);
  if (length > max)
    throw sdkErrors.memoTooLarge(`maximum number of characters is ${max} but received ${length} characters`);
};
