/** Charges gas per tx byte. In simulation the signatures are empty, so their usual size is charged too. */
import type { AnteStep } from "./types.js";

const SIMULATED_SIGNATURE_BYTES = 64n + 33n + 10n;

export const consumeTxSizeGas: AnteStep = (ctx, tx, env) => {
  const perByte = env.accounts.params(ctx).txSizeCostPerByte;
  ctx.gasMeter.consume(perByte * BigInt(tx.bytes.length), "txSize");
  if (ctx.mode === "simulate") {
    const missing = tx.signatures.filter((s) => s.length === 0).length;
    ctx.gasMeter.consume(perByte * SIMULATED_SIGNATURE_BYTES * BigInt(missing), "txSize");
  }
};
