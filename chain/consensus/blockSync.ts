/**
 * Block sync: nodes announce their height every interval; a node behind a peer asks it
 * for the next block with its commit and hands them to the driver, which commits the
 * block only if the commit carries +2/3 of the set's power. A restarted validator or a
 * new full node thus catches up, then follows consensus.
 *
 * Peers can lie about their height or never answer. Each request goes to several peers at
 * once (the first good answer wins), a request unanswered in time is a strike against the
 * peer, and a peer with too many strikes is scored down and ignored for a while: liars cost
 * a few timeouts, not the sync.
 *
 * A response names its height in a fixed header, so that one nobody asked for is dropped
 * before its body (up to a whole block) is decoded, and a peer that keeps sending those is
 * scored down (syncRequests.ts): answering costs a peer as much as it costs us.
 */
import type { Block, Commit } from "../types/block.js";
import { decodeBlock, decodeCommit, encodeBlock, encodeCommit } from "./protoCodec.js";
import type { BlockStore } from "./blockStore.js";
import type { PeerChannel } from "./gossip.js";
import { SyncRequests } from "./syncRequests.js";
import type { ConsensusDriver, ConsensusLogger } from "./types.js";

/** The first byte of a block-sync message: what it is. */
export const TAG_STATUS = 1;
export const TAG_REQUEST = 2;
export const TAG_RESPONSE = 3;
const REQUEST_TIMEOUT_MS = 3_000;
/** Peers asked for the same height at once. */
const PARALLEL_REQUESTS = 2;
/** Unanswered requests (in a row) after which a peer's announcements are ignored. */
const MAX_STRIKES = 3;
const DISTRUST_MS = 60_000;
/** Queued to a peer past this, our last answer has not left (status messages are 13 bytes each). */
const QUEUED_ANSWER_BYTES = 1_024;

export interface BlockSyncOptions {
  channel: PeerChannel;
  blockStore: BlockStore;
  driver: Pick<ConsensusDriver, "applySyncedBlock" | "height">;
  logger?: ConsensusLogger;
  /** How often our height is announced (default 1 s). */
  intervalMs?: number;
  /** How long a request may go unanswered (default 3 s). */
  requestTimeoutMs?: number;
  now?(): number;
}

/** What block sync is doing, for status and metrics. */
export interface BlockSyncStatus {
  ownHeight: bigint;
  bestPeerHeight: bigint;
  /** Blocks applied from block sync since start. */
  blocksSynced: number;
  requestsSent: number;
  requestsTimedOut: number;
  /** Responses dropped undecoded: for a height we never asked that peer for, or already answered. */
  responsesUnsolicited: number;
  /** Peers' requests not served: asked again before our answer left, or for a height they have. */
  requestsRefused: number;
  /** Peers whose announcements are ignored after unanswered requests. */
  distrustedPeers: number;
  requestsInFlight: number;
}

export interface BlockSync {
  start(): void;
  stop(): void;
  /** A peer connected: tell it our height at once. */
  peerConnected(peerId: string): void;
  peerDisconnected(peerId: string): void;
  /** The highest height a peer announced (0 when none). */
  readonly bestPeerHeight: bigint;
  /** True while some peer is more than one block ahead. */
  readonly catchingUp: boolean;
  status(): BlockSyncStatus;
}

/**
 * A status (TAG_STATUS: "I am at height") or a request (TAG_REQUEST: "send me height"): tag |
 * u64 BE. A status may carry the lowest height its sender keeps after it (statusMessage).
 */
export function withHeight(tag: number, height: bigint): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = tag;
  new DataView(out.buffer).setBigUint64(1, height);
  return out;
}

/**
 * A status with the sender's base: TAG_STATUS | height u64 BE | base u64 BE. A node that
 * prunes old blocks (min-retain-blocks) is asked only for heights it keeps; a status without
 * the base (9 bytes, as earlier versions send) means every height from 1.
 */
export function statusMessage(height: bigint, base: bigint): Uint8Array {
  const out = new Uint8Array(17);
  const view = new DataView(out.buffer);
  out[0] = TAG_STATUS;
  view.setBigUint64(1, height);
  view.setBigUint64(9, base);
  return out;
}

/** Tag, height and block length: what is read of a response before anything is decoded. */
export const RESPONSE_HEADER_BYTES = 13;

/**
 * A block and its commit: TAG_RESPONSE | height (u64 BE) | block length (u32 BE) | block |
 * commit. The height is the block's, repeated in the header so that the receiver can tell
 * whether it asked for it without decoding the block.
 */
export function encodeResponse(block: Block, commit: Commit): Uint8Array {
  return frameResponse(block.header.height, encodeBlock(block), encodeCommit(commit));
}

/** A response around already encoded block and commit bytes. */
export function frameResponse(height: bigint, block: Uint8Array, commit: Uint8Array): Uint8Array {
  const out = new Uint8Array(RESPONSE_HEADER_BYTES + block.length + commit.length);
  const view = new DataView(out.buffer);
  out[0] = TAG_RESPONSE;
  view.setBigUint64(1, height);
  view.setUint32(9, block.length);
  out.set(block, RESPONSE_HEADER_BYTES);
  out.set(commit, RESPONSE_HEADER_BYTES + block.length);
  return out;
}

export interface ResponseFrame {
  height: bigint;
  block: Uint8Array;
  commit: Uint8Array;
}

/** Splits a response into its header's height and the undecoded block and commit bytes; throws on bad framing. */
export function readResponseFrame(bytes: Uint8Array): ResponseFrame {
  if (bytes[0] !== TAG_RESPONSE || bytes.length < RESPONSE_HEADER_BYTES) throw new RangeError("bad response");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(9);
  if (RESPONSE_HEADER_BYTES + n > bytes.length) throw new RangeError("bad response: block length past the end");
  return {
    height: view.getBigUint64(1),
    block: bytes.subarray(RESPONSE_HEADER_BYTES, RESPONSE_HEADER_BYTES + n),
    commit: bytes.subarray(RESPONSE_HEADER_BYTES + n),
  };
}

interface PeerRecord {
  height: bigint;
  /** The lowest height it keeps (0: it did not say, so every height). */
  base: bigint;
  strikes: number;
  ignoredUntil: number;
}

export function createBlockSync(o: BlockSyncOptions): BlockSync {
  const peers = new Map<string, PeerRecord>();
  const interval = o.intervalMs ?? 1_000;
  const timeoutMs = o.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const now = o.now ?? Date.now;
  const requests = new SyncRequests(timeoutMs, now);
  const counters = {
    blocksSynced: 0,
    requestsSent: 0,
    requestsTimedOut: 0,
    responsesUnsolicited: 0,
    requestsRefused: 0,
  };
  let timer: NodeJS.Timeout | undefined;
  let lastProgressLog = { atMs: now(), height: 0n };
  let lastNoSourceLog = Number.NEGATIVE_INFINITY;

  const ownHeight = () => o.driver.height;
  const ownStatus = () => statusMessage(ownHeight(), o.blockStore.base);
  const trusted = (r: PeerRecord) => r.ignoredUntil <= now();
  const best = () => {
    let b = 0n;
    for (const r of peers.values()) if (trusted(r) && r.height > b) b = r.height;
    return b;
  };

  /** A request went unanswered: a strike, and past MAX_STRIKES the peer is scored down and ignored. */
  function strike(peer: string, height: bigint): void {
    counters.requestsTimedOut++;
    const r = peers.get(peer);
    if (r === undefined) return;
    r.strikes++;
    if (r.strikes < MAX_STRIKES) return;
    r.ignoredUntil = now() + DISTRUST_MS;
    r.strikes = 0;
    o.logger?.warn("ignoring a peer that does not deliver the blocks it announces", {
      peer,
      announced: String(r.height),
      height: String(height),
    });
    o.channel.reportInvalid(peer, `announced height ${r.height} but did not deliver block ${height}`);
  }

  /** A request answered by another peer first still has to be answered in time by this one. */
  function expireRequests(): void {
    for (const { peer, height } of requests.expire()) strike(peer, height);
  }

  function maybeRequest(): void {
    const next = ownHeight() + 1n;
    expireRequests();
    let asked = requests.askedFor(next);
    // Fewest strikes first, then highest; ties by id for a stable choice.
    const candidates = [...peers.entries()]
      .filter(([p, r]) => trusted(r) && r.height >= next && r.base <= next && !requests.isAsked(p))
      .sort(([pa, a], [pb, b]) =>
        a.strikes !== b.strikes
          ? a.strikes - b.strikes
          : a.height !== b.height
            ? a.height > b.height
              ? -1
              : 1
            : pa < pb
              ? -1
              : 1,
      );
    if (asked === 0 && candidates.length === 0) noSource(next);
    for (const [peer] of candidates) {
      if (asked >= PARALLEL_REQUESTS) break;
      if (!o.channel.send(peer, withHeight(TAG_REQUEST, next))) continue;
      requests.sent(peer, next);
      counters.requestsSent++;
      asked++;
    }
  }

  /** Peers are ahead but none keeps the next height (they prune old blocks): said once a minute. */
  function noSource(next: bigint): void {
    const bases = [...peers.values()].filter((r) => trusted(r) && r.height >= next && r.base > next).map((r) => r.base);
    if (bases.length === 0 || now() - lastNoSourceLog < 60_000) return;
    lastNoSourceLog = now();
    const lowest = bases.reduce((a, b) => (b < a ? b : a));
    o.logger?.warn("no peer keeps the next block: they prune old blocks (min-retain-blocks)", {
      height: String(next),
      lowest_peer_base: String(lowest),
      hint: "peer with a node that keeps every block (min-retain-blocks = 0) to catch up",
    });
  }

  function logProgress(): void {
    const t = now();
    if (t - lastProgressLog.atMs < 5_000) return;
    const h = ownHeight();
    const rate = (Number(h - lastProgressLog.height) * 1000) / Math.max(1, t - lastProgressLog.atMs);
    if (best() > h + 1n) {
      o.logger?.info("block sync progress", {
        height: String(h),
        best_peer_height: String(best()),
        blocks_per_s: Math.round(rate * 10) / 10,
        timed_out: counters.requestsTimedOut,
      });
    }
    lastProgressLog = { atMs: t, height: h };
  }

  /**
   * Serving loads and encodes a whole block, so it is done only as fast as the peer takes the
   * answers: an honest peer has one request out at a time (maybeRequest), so while our last
   * answer to it is still queued a request is not served (no fault: a slow link, or a repeat
   * after its timeout). A request for a height it announced having is one no honest peer
   * sends: not served, and past the allowance each one scores the peer down.
   */
  async function serve(peer: string, height: bigint): Promise<void> {
    // Below our base the block is pruned: our status told the peer so, nothing to answer.
    if (height < 1n || height > ownHeight() || height < o.blockStore.base) return;
    if ((o.channel.queuedBytes?.(peer) ?? 0) > QUEUED_ANSWER_BYTES) {
      counters.requestsRefused++;
      return;
    }
    const announced = peers.get(peer)?.height;
    if (announced !== undefined && height <= announced) {
      counters.requestsRefused++;
      if (!requests.forgiveRequest(peer))
        o.channel.reportInvalid(
          peer,
          `block-sync request for ${height}, at or below the height it announced (${announced})`,
        );
      return;
    }
    const [block, commit] = await Promise.all([o.blockStore.loadBlock(height), o.blockStore.loadCommit(height)]);
    if (block === undefined || commit === undefined) return;
    o.channel.send(peer, encodeResponse(block, commit));
  }

  async function received(peer: string, bytes: Uint8Array): Promise<void> {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    switch (bytes[0]) {
      case TAG_STATUS: {
        if (bytes.length !== 9 && bytes.length !== 17) throw new RangeError("bad status");
        const r = peers.get(peer) ?? { height: 0n, base: 0n, strikes: 0, ignoredUntil: 0 };
        r.height = view.getBigUint64(1);
        r.base = bytes.length === 17 ? view.getBigUint64(9) : 0n;
        if (r.base > r.height) throw new RangeError(`bad status: base ${r.base} above height ${r.height}`);
        peers.set(peer, r);
        if (best() > ownHeight()) maybeRequest();
        return;
      }
      case TAG_REQUEST:
        if (bytes.length !== 9) throw new RangeError("bad request");
        return serve(peer, view.getBigUint64(1));
      case TAG_RESPONSE: {
        const frame = readResponseFrame(bytes);
        // Judged on the header alone: only a body we asked this peer for, and still need, is decoded.
        const verdict = requests.answered(peer, frame.height, ownHeight());
        if (verdict.kind === "unsolicited") {
          counters.responsesUnsolicited++;
          if (verdict.fault)
            o.channel.reportInvalid(peer, `unsolicited block-sync response for height ${frame.height}`);
          return;
        }
        if (verdict.kind === "stale") return;
        const block = decodeBlock(frame.block);
        const commit = decodeCommit(frame.commit);
        if (block.header.height !== frame.height) {
          o.channel.reportInvalid(peer, `response for height ${frame.height} carries block ${block.header.height}`);
          return;
        }
        const problem = await o.driver.applySyncedBlock(block, commit);
        if (problem === undefined) {
          counters.blocksSynced++;
          const r = peers.get(peer);
          if (r !== undefined) r.strikes = 0;
          logProgress();
          if (best() > ownHeight()) maybeRequest();
        } else if (problem.startsWith("commit") || problem.startsWith("header")) {
          o.channel.reportInvalid(peer, `synced block ${block.header.height}: ${problem}`);
        }
        return;
      }
      default:
        throw new RangeError(`unknown block-sync tag ${bytes[0]}`);
    }
  }

  o.channel.onMessage((peer, bytes) => {
    received(peer, bytes).catch((e: unknown) => o.channel.reportInvalid(peer, `block sync: ${String(e)}`));
  });

  const sync: BlockSync = {
    start() {
      const tick = () => {
        o.channel.broadcast(ownStatus());
        if (best() > ownHeight()) maybeRequest();
        else expireRequests();
        timer = setTimeout(tick, interval);
      };
      tick();
    },
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
    peerConnected(peer) {
      o.channel.send(peer, ownStatus());
    },
    peerDisconnected(peer) {
      // A distrusted peer stays remembered (reconnecting does not wash it clean).
      const r = peers.get(peer);
      if (r !== undefined && trusted(r)) peers.delete(peer);
      requests.peerGone(peer);
    },
    get bestPeerHeight() {
      return best();
    },
    get catchingUp() {
      return best() > ownHeight() + 1n;
    },
    status() {
      let distrusted = 0;
      for (const r of peers.values()) if (!trusted(r)) distrusted++;
      return {
        ownHeight: ownHeight(),
        bestPeerHeight: best(),
        ...counters,
        distrustedPeers: distrusted,
        requestsInFlight: requests.inFlight,
      };
    },
  };
  return sync;
}
