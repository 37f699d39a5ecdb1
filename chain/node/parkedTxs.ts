/**
 * Txs from peers that CheckTx refused only because they came early: an account's later tx
 * that overtook an earlier one on a shorter path (its sequence a little above the
 * account's next). Each peer announces a tx once (relay.ts), so without this it would wait
 * for a reconnect's mempool catch-up or for the next sequencer, and its trader for a
 * receipt. Such a tx is held a moment and tried again when a tx of one of its signers is
 * admitted (the sequence moved), and after each block (network.ts).
 *
 * Bounded three ways, since the sequence is checked before the signature and anyone can
 * send early txs: in all, per signer and per peer; and each is held at most `ttlMs` from
 * when it was first held, however often it is tried again.
 */
import { toHex } from "../types/bytes.js";

export interface ParkedTx {
  tx: Uint8Array;
  hash: Uint8Array;
  /** The peer it came from (a bad signature found on a later try is that peer's fault). */
  peer: string;
  signers: readonly string[];
  /** When it was first held (ms); a tx tried again keeps it. */
  since: number;
}

export interface ParkedTxsOptions {
  maxTxs?: number;
  maxPerSigner?: number;
  maxPerPeer?: number;
  ttlMs?: number;
  now?(): number;
}

export interface ParkedTxs {
  /** Holds the tx (`since` defaults to now); false when it is held already, past its time, or a bound is reached. */
  park(p: Omit<ParkedTx, "since"> & { since?: number }): boolean;
  /** The held txs of any of `signers`, oldest first, no longer held. */
  take(signers: readonly string[]): ParkedTx[];
  /** Every held tx, oldest first, no longer held. */
  takeAll(): ParkedTx[];
  readonly size: number;
}

export function createParkedTxs(o: ParkedTxsOptions = {}): ParkedTxs {
  const maxTxs = o.maxTxs ?? 1_024;
  const maxPerSigner = o.maxPerSigner ?? 16;
  const maxPerPeer = o.maxPerPeer ?? 256;
  const ttlMs = o.ttlMs ?? 10_000;
  const now = o.now ?? Date.now;
  // By tx hash, in the order held.
  const held = new Map<string, ParkedTx>();
  const perSigner = new Map<string, number>();
  const perPeer = new Map<string, number>();
  const count = (m: Map<string, number>, k: string, d: number) => {
    const n = (m.get(k) ?? 0) + d;
    if (n === 0) m.delete(k);
    else m.set(k, n);
  };
  const remove = (key: string, p: ParkedTx) => {
    held.delete(key);
    count(perPeer, p.peer, -1);
    for (const s of new Set(p.signers)) count(perSigner, s, -1);
  };
  const expire = () => {
    const t = now();
    for (const [key, p] of held) if (t - p.since >= ttlMs) remove(key, p);
  };
  const takeWhere = (pick: (p: ParkedTx) => boolean): ParkedTx[] => {
    expire();
    const out: ParkedTx[] = [];
    for (const [key, p] of held)
      if (pick(p)) {
        remove(key, p);
        out.push(p);
      }
    return out;
  };
  return {
    get size() {
      // Asked after every admitted tx: nothing held (the usual case) needs no walk or clock.
      if (held.size === 0) return 0;
      expire();
      return held.size;
    },
    park(p) {
      expire();
      const since = p.since ?? now();
      const key = toHex(p.hash);
      const signers = [...new Set(p.signers)];
      if (held.has(key) || now() - since >= ttlMs || signers.length === 0) return false;
      if (held.size >= maxTxs || (perPeer.get(p.peer) ?? 0) >= maxPerPeer) return false;
      if (signers.some((s) => (perSigner.get(s) ?? 0) >= maxPerSigner)) return false;
      held.set(key, { tx: p.tx, hash: p.hash, peer: p.peer, signers, since });
      count(perPeer, p.peer, 1);
      for (const s of signers) count(perSigner, s, 1);
      return true;
    },
    take(signers) {
      const wanted = new Set(signers);
      return takeWhere((p) => p.signers.some((s) => wanted.has(s)));
    },
    takeAll: () => takeWhere(() => true),
  };
}
