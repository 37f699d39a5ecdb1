/**
 * Mempool admission as the sequencer sees it: every tx arriving, from a client or from a
 * peer, is sequenced first when this node has a height open — the speculative execution
 * runs the full ante (the signature verified once, then cached by hash), so the receipt
 * does not wait for CheckTx — and then goes through the mempool's CheckTx as before (its
 * signature check a cache hit). A refusal the sequencer did not sign already is signed.
 * The mempool itself is unchanged: it still holds every admitted tx, so a tx whose receipt
 * is reverted, or that arrives while no height is open, is sequenced from there at the
 * next opening, and peers keep it for the next sequencer.
 */
import type { Mempool } from "../mempool/mempool.js";
import type { Sequencer } from "./sequencer.js";

export function sequencingMempool(mempool: Mempool, sequencer: Pick<Sequencer, "arrived" | "refused">): Mempool {
  return {
    ...mempool,
    checkAndAdd(tx) {
      const signed = sequencer.arrived(tx);
      const r = mempool.checkAndAdd(tx);
      if (!signed && r.code !== 0) sequencer.refused(tx, r);
      return r;
    },
  };
}
