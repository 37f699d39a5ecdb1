/**
 * Mempool admission as the sequencer sees it: every tx the mempool admits, from a client
 * or from a peer, is sequenced at once when this node has a height open (its signature
 * check a cache hit after CheckTx's); a refusal is signed, except that of a peer's tx that
 * came a few sequences early: the node holds it and tries again (chain/node/parkedTxs.ts),
 * and a signed rejection would tell its trader it was refused before it is sequenced.
 * The mempool itself is unchanged: it still holds every admitted tx, so a tx whose receipt
 * is reverted, or that arrives while no height is open, is sequenced from there at the
 * next opening, and peers keep it for the next sequencer.
 *
 * CheckTx and the execution on arrival would run the same ante twice, once on the check
 * state and once on the speculative state. So a tx that passes CheckTx's checks that do not
 * read state (size, decoding, the block's gas, this node's minimum gas prices) and the
 * mempool's own (duplicate, capacity) is executed first: when its ante passes on the
 * speculative state, every key it wrote (its signers' accounts, the fee payer's balance) held
 * there what the check state holds, and the height keeps it, that ante stands for CheckTx's:
 * CheckTx's ante would have read the same and so decided and written the same. The fee
 * collector's balance, which the ante only adds to, is not compared (a begin block pays it
 * out on the speculative state only) but credited with the fee on the check state
 * (chain/runtime/app.ts, `anteMatchesCheckState`). Its result is the answer, and its writes (fee, sequence, public key)
 * are made on the check state too, so the next CheckTx, simulation and signature
 * preparation see the tx as before; what it read is kept for the mempool's re-check of the
 * tx after the next commit (chain/runtime/anteReplay.ts). The two states differ where the speculative one holds
 * more than fees and sequences (funds a receipted tx sent, an account it created): such a
 * tx goes through CheckTx, which decides as it always did. (The ante also reads a key it does
 * not write, the auth params, which only the chain's authority changes: after such a change
 * is receipted, the height's later txs are judged under the new params, as their block
 * executes them, where CheckTx would read the old ones until the height commits.) Anything else — no height open, the block full, the ante failing there —
 * leaves nothing signed or changed, and admission runs as it always did: CheckTx, then the
 * execution on arrival of what it admits, and the refusals and their signatures as above.
 */
import { heldForRetry, type Mempool } from "../mempool/mempool.js";
import type { AnteWrites } from "../runtime/runTx.js";
import type { AnteRecheck } from "../runtime/app.js";
import type { Sequencer } from "./sequencer.js";

/** What admission needs of the application to stand in for CheckTx. */
export interface UncheckedAdmissionApp {
  admissibleWithoutState(tx: Uint8Array, hash: Uint8Array): boolean;
  anteMatchesCheckState(writes: AnteWrites): boolean;
  applyAnteToCheckState(writes: AnteWrites, recheck?: AnteRecheck): void;
}

/** `app` when it can stand in for CheckTx (a full application), undefined otherwise (a test's partial one). */
export function uncheckedAdmission(app: Partial<UncheckedAdmissionApp>): UncheckedAdmissionApp | undefined {
  return typeof app.admissibleWithoutState === "function" &&
    typeof app.anteMatchesCheckState === "function" &&
    typeof app.applyAnteToCheckState === "function"
    ? (app as UncheckedAdmissionApp)
    : undefined;
}

export function sequencingMempool(
  mempool: Mempool,
  sequencer: Pick<Sequencer, "admitted" | "refused" | "sequenceUnchecked">,
  app?: UncheckedAdmissionApp,
): Mempool {
  // Not passed on: admission above this wrapper (the ladder's, the metrics') goes through checkAndAdd.
  const { admitWith, ...rest } = mempool;
  return {
    ...rest,
    checkAndAdd(tx, origin) {
      if (admitWith !== undefined && app !== undefined) {
        const r = admitWith.call(mempool, tx, (hash) => {
          if (!app.admissibleWithoutState(tx, hash)) return undefined;
          const sequenced = sequencer.sequenceUnchecked(tx, (writes) => app.anteMatchesCheckState(writes));
          if (sequenced === undefined) return undefined;
          app.applyAnteToCheckState(sequenced.writes, { hash, reads: sequenced.reads, result: sequenced.check });
          return sequenced.check;
        });
        if (r !== undefined) return r;
      }
      // CheckTx first: its node-local rules (the minimum gas price, mempool limits) are not
      // in the ante a block runs, so a tx receipted before them was executed and committed
      // even when CheckTx then refused it (a 1ustrike-fee send the CLI reported as refused
      // moved the funds in the full run).
      const r = mempool.checkAndAdd(tx, origin);
      if (r.code === 0) sequencer.admitted(tx);
      else if (!heldForRetry(r, origin)) sequencer.refused(tx, r);
      return r;
    },
  };
}
