/**
 * Mempool admission as the finality ladder sees it: the moment a tx reaches this node
 * (from a client or a peer, before its CheckTx) it is `received`; its signers are noted
 * first, so the receipt the sequencer signs inside CheckTx is already tied to an account;
 * a refusal is `rejected`. Duplicates (a tx already known) change nothing.
 */
import { sha256 } from "../crypto/hash.js";
import type { Mempool } from "../mempool/mempool.js";
import type { FinalityLadder } from "./ladder.js";
import { DUPLICATE_CODES } from "./sequencer.js";

export function trackingMempool(
  mempool: Mempool,
  ladder: FinalityLadder,
  now: () => number,
  accountsOf: ((tx: Uint8Array) => readonly string[]) | undefined,
): Mempool {
  return {
    ...mempool,
    checkAndAdd(tx) {
      const arrived = now();
      const hash = sha256(tx);
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
      const r = mempool.checkAndAdd(tx);
      if (r.code !== 0 && !DUPLICATE_CODES.has(`${r.codespace}/${r.code}`)) ladder.refused(hash, r, now());
      return r;
    },
  };
}
