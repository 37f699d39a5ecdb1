/**
 * Block sync: nodes announce their height every interval; a node behind a peer asks it
 * for the next block with its commit and hands them to the driver, which commits the
 * block only if the commit carries +2/3 of the set's power. A restarted validator or a
 * new full node thus catches up, then follows consensus.
 */
import type { Block, Commit } from "../types/block.js";
import { decodeBlock, decodeCommit, encodeBlock, encodeCommit } from "./protoCodec.js";
import type { BlockStore } from "./blockStore.js";
import type { PeerChannel } from "./gossip.js";
import type { ConsensusDriver, ConsensusLogger } from "./types.js";

const TAG_STATUS = 1;
const TAG_REQUEST = 2;
const TAG_RESPONSE = 3;
const REQUEST_TIMEOUT_MS = 5_000;

export interface BlockSyncOptions {
  channel: PeerChannel;
  blockStore: BlockStore;
  driver: Pick<ConsensusDriver, "applySyncedBlock" | "height">;
  logger?: ConsensusLogger;
  /** How often our height is announced (default 1 s). */
  intervalMs?: number;
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
}

function withHeight(tag: number, height: bigint): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = tag;
  new DataView(out.buffer).setBigUint64(1, height);
  return out;
}

function encodeResponse(block: Block, commit: Commit): Uint8Array {
  const b = encodeBlock(block);
  const c = encodeCommit(commit);
  const out = new Uint8Array(5 + b.length + c.length);
  out[0] = TAG_RESPONSE;
  new DataView(out.buffer).setUint32(1, b.length);
  out.set(b, 5);
  out.set(c, 5 + b.length);
  return out;
}

export function createBlockSync(o: BlockSyncOptions): BlockSync {
  const peerHeights = new Map<string, bigint>();
  const interval = o.intervalMs ?? 1_000;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: { peer: string; height: bigint; since: number } | undefined;

  const ownHeight = () => o.driver.height;
  const best = () => [...peerHeights.values()].reduce((a, b) => (b > a ? b : a), 0n);

  function maybeRequest(): void {
    const next = ownHeight() + 1n;
    if (inFlight !== undefined && inFlight.height === next && Date.now() - inFlight.since < REQUEST_TIMEOUT_MS) return;
    // Ask the peers that have the block in turn, highest first; ties by id for a stable choice.
    const candidates = [...peerHeights.entries()]
      .filter(([, h]) => h >= next)
      .sort((a, b) => (a[1] === b[1] ? (a[0] < b[0] ? -1 : 1) : a[1] > b[1] ? -1 : 1));
    const after = inFlight === undefined ? -1 : candidates.findIndex(([p]) => p === inFlight!.peer);
    const pick = candidates[(after + 1) % Math.max(1, candidates.length)];
    if (pick === undefined) {
      inFlight = undefined;
      return;
    }
    inFlight = { peer: pick[0], height: next, since: Date.now() };
    o.channel.send(pick[0], withHeight(TAG_REQUEST, next));
  }

  async function serve(peer: string, height: bigint): Promise<void> {
    if (height < 1n || height > ownHeight()) return;
    const [block, commit] = await Promise.all([o.blockStore.loadBlock(height), o.blockStore.loadCommit(height)]);
    if (block === undefined || commit === undefined) return;
    o.channel.send(peer, encodeResponse(block, commit));
  }

  async function received(peer: string, bytes: Uint8Array): Promise<void> {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    switch (bytes[0]) {
      case TAG_STATUS:
        if (bytes.length !== 9) throw new RangeError("bad status");
        peerHeights.set(peer, view.getBigUint64(1));
        if (best() > ownHeight()) maybeRequest();
        return;
      case TAG_REQUEST:
        if (bytes.length !== 9) throw new RangeError("bad request");
        return serve(peer, view.getBigUint64(1));
      case TAG_RESPONSE: {
        if (bytes.length < 5) throw new RangeError("bad response");
        const n = view.getUint32(1);
        if (5 + n > bytes.length) throw new RangeError("bad response");
        const block = decodeBlock(bytes.subarray(5, 5 + n));
        const commit = decodeCommit(bytes.subarray(5 + n));
        const problem = await o.driver.applySyncedBlock(block, commit);
        if (problem === undefined) {
          inFlight = undefined;
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
        o.channel.broadcast(withHeight(TAG_STATUS, ownHeight()));
        if (best() > ownHeight()) maybeRequest();
        timer = setTimeout(tick, interval);
      };
      tick();
    },
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
    peerConnected(peer) {
      o.channel.send(peer, withHeight(TAG_STATUS, ownHeight()));
    },
    peerDisconnected(peer) {
      peerHeights.delete(peer);
    },
    get bestPeerHeight() {
      return best();
    },
    get catchingUp() {
      return best() > ownHeight() + 1n;
    },
  };
  return sync;
}
