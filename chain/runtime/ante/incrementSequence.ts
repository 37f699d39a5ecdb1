import type { AnteStep } from "./types.js";

export const incrementSequence: AnteStep = (ctx, tx, env) => {
  for (const signer of tx.signers) {
    const account = env.accounts.getAccount(ctx, signer)!;
    env.accounts.setAccount(ctx, { ...account, sequence: account.sequence + 1n });
  }
};
