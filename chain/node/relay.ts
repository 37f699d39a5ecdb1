/**
 * Multi-hop relay of txs and receipts: announce, then fetch. The node that admits a
 * client's tx pushes it whole to its peers, and the sequencer pushes each receipt whole to
 * its peers; both as before. What a node gets from a peer and did not have, it announces to
 * its other peers as a 32-byte hash (batched per turn of the event loop), and a peer that
 * lacks it asks for it (`want`) and is sent it on the item's own channel. So a tx sent to a
 * full node that peers with one validator, as in a sentry set-up, reaches the sequencer
 * however many hops away, and its receipt comes back the same way. In the validators' full
 * mesh every peer already has what it is told of: the cost is a hash per item and peer,
 * never a second copy of the item (CometBFT's mempool instead sends every tx whole to every
 * peer that did not send it).
 *
 * A relay message on the "relay" channel: kind (0 tx, 1 receipt), op (0 have, 1 want), then
 * 1 to MAX_HASHES_PER_MESSAGE 32-byte hashes (sha256 of the tx bytes, or of the
 * SignedReceipt bytes). Anything else is a peer fault.
 */
import type { ChannelId, P2PHost } from "../p2p/index.js";
import { toHex } from "../types/bytes.js";
import { evictOldest } from "../types/evictOldest.js";

export type RelayKind = "tx" | "receipt";

const KINDS: readonly RelayKind[] = ["tx", "receipt"];
const CHANNEL_OF: Record<RelayKind, ChannelId> = { tx: "mempool", receipt: "receipts" };
const OP_HAVE = 0;
const OP_WANT = 1;
const HASH_BYTES = 32;
/** Peers whose requests are remembered (more than a node keeps connected). */
const MAX_PEERS_TRACKED = 256;
/** The most hashes in one message (the "relay" channel's size limit in chain/p2p/config.ts allows them). */
export const MAX_HASHES_PER_MESSAGE = 1_024;

export interface RelayOptions {
  host: Pick<P2PHost, "peers" | "send" | "onMessage" | "reportInvalid">;
  /** Whether this node already has an item (or had it): no need to fetch it. */
  known: Record<RelayKind, (hash: Uint8Array) => boolean>;
  /**
   * Whether an item may go to a peer that asks for it; always when absent. A receipt kept on a
   * later receipt's word has its signature checked first (chain/sequencer/receiptChain.ts).
   */
  servable?: Partial<Record<RelayKind, (bytes: Uint8Array) => boolean>>;
  /** Items kept to serve peers that ask for them, per kind (count and bytes). */
  cacheItems?: number;
  cacheBytes?: number;
  /** A hash asked for and not delivered is asked of another announcer after this long. */
  wantRetryMs?: number;
  now?: () => number;
}

export interface Relay {
  /** A new item from peer `from` (undefined: this node's own): its other peers are told it is here. */
  announce(kind: RelayKind, hash: Uint8Array, bytes: Uint8Array, from: string | undefined): void;
  /** An item this node has, or is taking in (a tx in admission): announcements of it are ignored. */
  saw(kind: RelayKind, hash: Uint8Array): void;
  /** An item this node did not take after all (a tx refused): it is fetched again when announced. */
  forget(kind: RelayKind, hash: Uint8Array): void;
  stats(): RelayStats;
}

export interface RelayStats {
  announced: number;
  wanted: number;
  served: number;
}

interface Cache {
  items: Map<string, Uint8Array>;
  bytes: number;
}

function relayMessage(kind: RelayKind, op: number, hashes: readonly Uint8Array[]): Uint8Array {
  const m = new Uint8Array(2 + hashes.length * HASH_BYTES);
  m[0] = KINDS.indexOf(kind);
  m[1] = op;
  hashes.forEach((h, i) => m.set(h, 2 + i * HASH_BYTES));
  return m;
}

export function createRelay(o: RelayOptions): Relay {
  const cacheItems = o.cacheItems ?? 8_192;
  const cacheBytes = o.cacheBytes ?? 32 * 1024 * 1024;
  const wantRetryMs = o.wantRetryMs ?? 1_000;
  const now = o.now ?? Date.now;
  const caches: Record<RelayKind, Cache> = {
    tx: { items: new Map(), bytes: 0 },
    receipt: { items: new Map(), bytes: 0 },
  };
  /** Hashes this node has seen, per kind, beyond what `known` can tell (a receipt's bytes, a tx in admission). */
  const seen: Record<RelayKind, Set<string>> = { tx: new Set(), receipt: new Set() };
  /** Hashes asked for and not yet delivered: when they were asked. */
  const wanted: Record<RelayKind, Map<string, number>> = { tx: new Map(), receipt: new Map() };
  /** Hashes to announce, per peer and kind, sent together at the end of the turn. */
  const pending = new Map<string, Record<RelayKind, Uint8Array[]>>();
  let flushScheduled = false;
  const stats: RelayStats = { announced: 0, wanted: 0, served: 0 };

  function remember(kind: RelayKind, key: string): void {
    seen[kind].add(key);
    evictOldest(seen[kind], 4 * cacheItems);
    wanted[kind].delete(key);
  }

  function keep(kind: RelayKind, key: string, bytes: Uint8Array): void {
    const c = caches[kind];
    if (c.items.has(key) || bytes.length > cacheBytes) return;
    c.items.set(key, bytes);
    c.bytes += bytes.length;
    const drop = (k: string) => {
      c.bytes -= c.items.get(k)?.length ?? 0;
      c.items.delete(k);
    };
    evictOldest(c.items, cacheItems, drop);
    for (const k of c.items.keys()) {
      if (c.bytes <= cacheBytes) break;
      drop(k);
    }
  }

  function flush(): void {
    flushScheduled = false;
    for (const [peer, byKind] of pending) {
      for (const kind of KINDS) {
        const hashes = byKind[kind];
        for (let i = 0; i < hashes.length; i += MAX_HASHES_PER_MESSAGE) {
          const batch = hashes.slice(i, i + MAX_HASHES_PER_MESSAGE);
          // A full send queue drops the announcement: that peer is behind, and it is sent the
          // mempool and the receipts it missed when it connects again.
          if (o.host.send(peer, "relay", relayMessage(kind, OP_HAVE, batch))) stats.announced += batch.length;
        }
      }
    }
    pending.clear();
  }

  function has(kind: RelayKind, hash: Uint8Array, key: string): boolean {
    return seen[kind].has(key) || caches[kind].items.has(key) || o.known[kind](hash);
  }

  function onHave(peer: string, kind: RelayKind, hashes: Uint8Array[]): void {
    const t = now();
    const asks: Uint8Array[] = [];
    for (const hash of hashes) {
      const key = toHex(hash);
      if (has(kind, hash, key)) continue;
      const asked = wanted[kind].get(key);
      if (asked !== undefined && t - asked < wantRetryMs) continue;
      wanted[kind].delete(key);
      wanted[kind].set(key, t);
      evictOldest(wanted[kind], 4 * cacheItems);
      asks.push(hash);
    }
    if (asks.length > 0 && o.host.send(peer, "relay", relayMessage(kind, OP_WANT, asks))) stats.wanted += asks.length;
  }

  /**
   * What each peer was sent on request, so that it is sent each item once: a 34-byte request
   * for a receipt of hundreds of kilobytes, repeated, would otherwise have this node send it
   * again and again. An honest peer asks once, and asks another announcer if it got nothing.
   */
  const served = new Map<string, Set<string>>();

  function onWant(peer: string, kind: RelayKind, hashes: Uint8Array[]): void {
    let mine = served.get(peer);
    if (mine === undefined) {
      mine = new Set();
      served.set(peer, mine);
      evictOldest(served, MAX_PEERS_TRACKED);
    }
    for (const hash of hashes) {
      const hex = toHex(hash);
      const key = `${kind}/${hex}`;
      const bytes = caches[kind].items.get(hex);
      // Gone from the cache (or never here), or not to be handed out: the peer asks another announcer.
      if (bytes === undefined || mine.has(key) || o.servable?.[kind]?.(bytes) === false) continue;
      if (!o.host.send(peer, CHANNEL_OF[kind], bytes)) break;
      mine.add(key);
      evictOldest(mine, 2 * cacheItems);
      stats.served++;
    }
  }

  o.host.onMessage("relay", (peer, m) => {
    const count = (m.length - 2) / HASH_BYTES;
    const kind = KINDS[m[0] ?? -1];
    const op = m[1];
    if (kind === undefined || (op !== OP_HAVE && op !== OP_WANT) || !Number.isInteger(count) || count < 1) {
      o.host.reportInvalid(peer, `malformed relay message (${m.length} bytes)`);
      return;
    }
    if (count > MAX_HASHES_PER_MESSAGE) {
      o.host.reportInvalid(peer, `relay message of ${count} hashes (at most ${MAX_HASHES_PER_MESSAGE})`);
      return;
    }
    const hashes = Array.from({ length: count }, (_, i) => m.subarray(2 + i * HASH_BYTES, 2 + (i + 1) * HASH_BYTES));
    if (op === OP_HAVE) onHave(peer, kind, hashes);
    else onWant(peer, kind, hashes);
  });

  return {
    announce(kind, hash, bytes, from) {
      const key = toHex(hash);
      remember(kind, key);
      keep(kind, key, bytes);
      for (const p of o.host.peers()) {
        if (p.id === from) continue;
        let byKind = pending.get(p.id);
        if (byKind === undefined) {
          byKind = { tx: [], receipt: [] };
          pending.set(p.id, byKind);
        }
        byKind[kind].push(hash);
      }
      if (!flushScheduled && pending.size > 0) {
        flushScheduled = true;
        setImmediate(flush);
      }
    },
    saw(kind, hash) {
      remember(kind, toHex(hash));
    },
    forget(kind, hash) {
      seen[kind].delete(toHex(hash));
    },
    stats: () => ({ ...stats }),
  };
}
