/**
 * Mempool admission as the finality ladder sees it: the moment a tx reaches this node
 * (from a client or a peer, before its signatures are verified and its CheckTx) it is
 * `received`; its signers are noted first, so the receipt the sequencer signs inside
 * CheckTx is already tied to an account; a refusal is `rejected`. Duplicates (a tx
 * already known) change nothing.
 */
import { txHash } from "../crypto/txHash.js";
import { heldForRetry, type Mempool } from "../mempool/mempool.js";
import type { FinalityLadder } from "./ladder.js";
import { DUPLICATE_CODES } from "./sequencer.js";

export interface TrackingMempool extends Mempool {
  /**
   * The tx has just reached this node, before its signatures are verified off the main
   * thread: its `received` step is dated from now, not from when CheckTx gets to it.
   */
  arrived(tx: Uint8Array): void;
}

export function trackingMempool(
  mempool: Mempool,
  ladder: FinalityLadder,
  now: () => number,
  accountsOf: ((tx: Uint8Array) => readonly string[]) | undefined,
): TrackingMempool {
  // By the tx's bytes object, which admission passes along unchanged: nothing to hash, and
  // an entry whose tx never reaches CheckTx goes with the tx.
  const arrivals = new WeakMap<Uint8Array, number>();
  return {
    ...mempool,
    arrived(tx) {
      arrivals.set(tx, now());
    },
    checkAndAdd(tx, origin) {
      const arrived = arrivals.get(tx) ?? now();
      arrivals.delete(tx);
      const hash = txHash(tx);
      let accounts: readonly string[] = [];
      if (accountsOf !== undefined && ladder.get(hash) === undefined) {
        try {
          accounts = accountsOf(tx);
        } catch {
          // Not decodable: CheckTx refuses it below and says why.
        }
      }
      // Accounts first, so that even the `received` step reaches an account's subscribers.
      ladder.received(hash, arrived, accounts);
      const r = mempool.checkAndAdd(tx, origin);
      if (r.code !== 0 && !heldForRetry(r, origin) && !DUPLICATE_CODES.has(`${r.codespace}/${r.code}`))
        ladder.refused(hash, r, now());
      return r;
    },
  };
}
