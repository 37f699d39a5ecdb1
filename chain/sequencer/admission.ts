/**
 * Mempool admission as the sequencer sees it: every tx the mempool admits, from a client
 * or from a peer, is sequenced at once when this node has a height open (its signature
 * check a cache hit after CheckTx's); a refusal is signed, except that of a peer's tx that
 * came a few sequences early: the node holds it and tries again (chain/node/parkedTxs.ts),
 * and a signed rejection would tell its trader it was refused before it is sequenced.
 * The mempool itself is unchanged: it still holds every admitted tx, so a tx whose receipt
 * is reverted, or that arrives while no height is open, is sequenced from there at the
 * next opening, and peers keep it for the next sequencer.
 */
import { heldForRetry, type Mempool } from "../mempool/mempool.js";
import type { Sequencer } from "./sequencer.js";

export function sequencingMempool(mempool: Mempool, sequencer: Pick<Sequencer, "admitted" | "refused">): Mempool {
  return {
    ...mempool,
    checkAndAdd(tx, origin) {
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
