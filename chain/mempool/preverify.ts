/**
 * Admission with the signatures verified ahead of CheckTx (in the node's verifier pool):
 * txs are verified concurrently, as they arrive, but admitted strictly in arrival order, so
 * that an account's consecutive sequences reach CheckTx in the order they were sent however
 * the pool's batches finish.
 */
import type { TxResult } from "../types/abci.js";
import type { TxOrigin } from "./mempool.js";

export function preverifiedAdmission(
  admit: (tx: Uint8Array, origin?: TxOrigin) => TxResult,
  preverify: (tx: Uint8Array) => Promise<void>,
): (tx: Uint8Array, origin?: TxOrigin) => Promise<TxResult> {
  let previous: Promise<unknown> = Promise.resolve();
  return (tx, origin) => {
    // A failed preverification only means CheckTx verifies on this thread.
    const verified = preverify(tx).catch(() => undefined);
    const admitted = Promise.all([previous, verified]).then(() => admit(tx, origin));
    previous = admitted.catch(() => undefined);
    return admitted;
  };
}
