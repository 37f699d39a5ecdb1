import type { AnteStep } from "./types.js";

export const consumeSigGas: AnteStep = (ctx, tx, env) => {
  const cost = env.accounts.params(ctx).sigVerifyCostSecp256k1;
  for (let i = 0; i < tx.signers.length; i++) ctx.gasMeter.consume(cost, "ante verify: secp256k1");
};
