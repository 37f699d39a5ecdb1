/**
 * Mempool admission as the sequencer sees it: every tx the mempool admits, from a client
 * or from a peer, is sequenced at once when this node has a height open; a refusal is
 * signed. The mempool itself is unchanged: it still holds every admitted tx, so a tx
 * whose receipt is reverted, or that arrives while the proposal is sealed, is sequenced
 * from there at the next opening, and peers keep it for the next sequencer.
 */
import type { Mempool } from "../mempool/mempool.js";
import type { Sequencer } from "./sequencer.js";

export function sequencingMempool(mempool: Mempool, sequencer: Pick<Sequencer, "admitted" | "refused">): Mempool {
  return {
    ...mempool,
    checkAndAdd(tx) {
      const r = mempool.checkAndAdd(tx);
      if (r.code === 0) sequencer.admitted(tx);
      else sequencer.refused(tx, r);
      return r;
    },
  };
}
