/**
 * The node's peer-to-peer side: one libp2p host, with consensus gossip, block sync, mempool
 * gossip and the relay of txs and receipts past one hop (relay.ts) each on its own channel.
 * A single validator with no peers runs the same code; its channels are simply empty.
 */
import { createBlockSync, type BlockSync, type BlockSyncStatus } from "../consensus/blockSync.js";
import { consensusNetworkOver, type PeerChannel } from "../consensus/gossip.js";
import type { BlockStore } from "../consensus/blockStore.js";
import type { ConsensusDriver, ConsensusNetwork } from "../consensus/types.js";
import { heldForRetry, isPeerFault, type Mempool, type TxOrigin } from "../mempool/mempool.js";
import { preverifiedAdmission } from "../mempool/preverify.js";
import { createP2PHost, p2pPeerId, type ChannelId, type P2PHost } from "../p2p/index.js";
import { txHash } from "../crypto/txHash.js";
import type { TxResult } from "../types/abci.js";
import { sdkErrors } from "../types/errors.js";
import type { NodeConfig } from "./config.js";
import type { NodeLogger } from "./logger.js";
import { createParkedTxs, type ParkedTxs } from "./parkedTxs.js";
import { createRelay, type Relay } from "./relay.js";

export interface NodeNetwork {
  readonly host: P2PHost;
  readonly consensus: ConsensusNetwork;
  /** Wires block sync to the driver (which needs the network first) and starts listening. */
  start(driver: ConsensusDriver, blockStore: BlockStore): Promise<void>;
  stop(): Promise<void>;
  /** Admits a tx locally and, if admitted, passes it on to peers. */
  submitTx(tx: Uint8Array): TxResult;
  /** As submitTx, with the signatures verified in the node's verifier pool first (clients' txs). */
  admitTx(tx: Uint8Array): Promise<TxResult>;
  readonly catchingUp: boolean;
  /** Block sync's progress (for status and metrics); undefined before start. */
  syncStatus(): BlockSyncStatus | undefined;
  /** Announce-and-fetch relay of txs and receipts to peers more than one hop away (relay.ts). */
  readonly relay: Relay;
  /** Peers' txs that came a few sequences early, held for another try (parkedTxs.ts). */
  readonly parked: Pick<ParkedTxs, "size">;
  /** Tries the held early txs again: after a block, which moves accounts' sequences. */
  retryParked(): void;
}

/** The most txs a newly connected peer is sent from the mempool (the send queue bounds it too). */
const MAX_TXS_ON_CONNECT = 4_096;

function channel(host: P2PHost, id: ChannelId): PeerChannel {
  return {
    broadcast: (m) => host.broadcast(id, m),
    send: (peer, m) => host.send(peer, id, m),
    onMessage: (h) => host.onMessage(id, h),
    reportInvalid: (peer, reason) => host.reportInvalid(peer, reason),
    queuedBytes: (peer) => host.queuedBytes(peer, id),
  };
}

export function createNodeNetwork(o: {
  config: NodeConfig;
  chainId: string;
  nodeKeySeed: Uint8Array;
  mempool: Mempool;
  logger: NodeLogger;
  /** Verifies a tx's signatures ahead of CheckTx (off the main thread); absent: CheckTx verifies. */
  preverify?: (tx: Uint8Array) => Promise<void>;
  /** Told of every tx from a client or a peer as it arrives, before preverification. */
  arrived?: (tx: Uint8Array) => void;
  /** A tx's signers (throws on bytes that do not decode); without it, early txs are not held (parkedTxs.ts). */
  txSigners?: (tx: Uint8Array) => string[];
  /** Whether a relayed receipt's bytes may go to a peer that asks for them (relay.ts `servable`); always when absent. */
  receiptServable?: (bytes: Uint8Array) => boolean;
}): NodeNetwork {
  const host = createP2PHost({
    nodeKeySeed: o.nodeKeySeed,
    listen: o.config.p2p.laddr,
    persistentPeers: o.config.p2p.persistentPeers,
    networkId: o.chainId,
    maxPeers: o.config.p2p.maxNumInboundPeers,
    logger: o.logger.with("p2p"),
  });
  const consensus: ConsensusNetwork = {
    ...consensusNetworkOver(channel(host, "consensus")),
    onPeerGone: (handler) => host.onPeer((e) => e.kind === "disconnected" && handler(e.peerId)),
  };
  let sync: BlockSync | undefined;
  const checkAndAdd = (tx: Uint8Array, origin?: TxOrigin) => o.mempool.checkAndAdd(tx, origin);
  const admitVerified =
    o.preverify === undefined
      ? (tx: Uint8Array, origin?: TxOrigin) => Promise.resolve(checkAndAdd(tx, origin))
      : preverifiedAdmission(checkAndAdd, o.preverify);
  const admit = (tx: Uint8Array, origin?: TxOrigin): Promise<TxResult> => {
    o.arrived?.(tx);
    return admitVerified(tx, origin);
  };
  const parked = createParkedTxs();
  const signersOf = (tx: Uint8Array): string[] => {
    try {
      return o.txSigners?.(tx) ?? [];
    } catch {
      return [];
    }
  };
  /** A tx was admitted: its signers' held txs may be next in sequence now. */
  const admitted = (tx: Uint8Array) => {
    if (parked.size > 0) for (const p of parked.take(signersOf(tx))) fromPeer(p.peer, p.tx, p.hash, p.since);
  };
  const submitTx = (tx: Uint8Array, r: TxResult): TxResult => {
    if (r.code === 0) {
      host.broadcast("mempool", tx);
      admitted(tx);
    }
    return r;
  };

  // A peer that connects (or reconnects) missed every broadcast before: it gets what the
  // mempool holds, as CometBFT's mempool reactor walks its list for each new peer. Without
  // it a tx admitted here while the sequencer's connection was down never reached the
  // sequencer, and waited unreceipted for the epoch to end. Bounded by the peer's send queue.
  host.onPeer((e) => {
    if (e.kind !== "connected") return;
    for (const tx of o.mempool.txs(MAX_TXS_ON_CONNECT)) if (!host.send(e.peerId, "mempool", tx)) break;
  });

  const relay = createRelay({
    host,
    known: { tx: (hash) => o.mempool.has(hash), receipt: () => false },
    ...(o.receiptServable === undefined ? {} : { servable: { receipt: o.receiptServable } }),
  });

  // Txs from peers are admitted like ours, and announced to the other peers (relay.ts): a
  // peer that lacks one, such as the sequencer behind the validator a full node peers with,
  // fetches it. Marked seen on arrival, so that an announcement racing its admission is not
  // fetched twice; forgotten if refused, so that it can be fetched again when it is valid.
  // One that came a few sequences early is held and tried again (parkedTxs.ts).
  function fromPeer(peer: string, tx: Uint8Array, hash: Uint8Array, since?: number): void {
    relay.saw("tx", hash);
    // Held already, or committed lately (its block came first): admission would refuse it as
    // a duplicate, after verifying its signatures for nothing.
    if (o.mempool.has(hash)) return;
    admit(tx, "peer").then(
      (r) => {
        if (r.code === 0) {
          relay.announce("tx", hash, tx, peer);
          admitted(tx);
          return;
        }
        if (!isDuplicate(r)) relay.forget("tx", hash);
        if (isPeerFault(r)) host.reportInvalid(peer, `invalid tx (${r.codespace} ${r.code}): ${r.log}`);
        else if (heldForRetry(r, "peer"))
          parked.park({ tx, hash, peer, signers: signersOf(tx), ...(since === undefined ? {} : { since }) });
      },
      (e: unknown) => {
        relay.forget("tx", hash);
        o.logger.error("admitting a peer's tx failed", { error: String(e) });
      },
    );
  }
  host.onMessage("mempool", (peer, tx) => fromPeer(peer, tx, txHash(tx)));

  return {
    host,
    consensus,
    async start(driver, blockStore) {
      sync = createBlockSync({
        channel: channel(host, "blocksync"),
        blockStore,
        driver,
        logger: o.logger.with("blocksync"),
      });
      host.onPeer((e) => (e.kind === "connected" ? sync?.peerConnected(e.peerId) : sync?.peerDisconnected(e.peerId)));
      await host.start();
      sync.start();
      o.logger.info("p2p listening", { address: host.listenAddress, peer_id: p2pPeerId(o.nodeKeySeed) });
    },
    async stop() {
      sync?.stop();
      await host.stop();
    },
    submitTx: (tx) => submitTx(tx, checkAndAdd(tx)),
    admitTx: async (tx) => submitTx(tx, await admit(tx)),
    get catchingUp() {
      return sync?.catchingUp ?? false;
    },
    syncStatus: () => sync?.status(),
    relay,
    parked,
    retryParked() {
      if (parked.size > 0) for (const p of parked.takeAll()) fromPeer(p.peer, p.tx, p.hash, p.since);
    },
  };
}

/** The mempool holds (or held) the tx already. */
function isDuplicate(r: TxResult): boolean {
  return r.codespace === sdkErrors.txInMempoolCache.codespace && r.code === sdkErrors.txInMempoolCache.code;
}
