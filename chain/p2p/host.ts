/**
 * The libp2p host: TCP + noise + yamux, identity from the node key, one protocol per channel.
 *
 * Each side opens one long-lived outbound stream per (peer, channel) and only writes to it;
 * it only reads from the peer's streams. Separate streams per channel (rather than one stream
 * with a channel byte) give each channel its own yamux flow-control window, so a 22 MiB
 * block-sync response never queues a consensus vote behind it, and a slow consumer of one
 * channel cannot stall the others. One writer per stream keeps frames in send order.
 */
import "./compat.js";
import { createLibp2p, type Libp2p } from "libp2p";
import { strikeNoise } from "./noise.js";
import { newMuxerFrameCounts, strikeYamux, type MuxerFrameCounts } from "./yamux.js";
import { tcp } from "@libp2p/tcp";
import { multiaddr } from "@multiformats/multiaddr";
import type { Connection, MultiaddrConnection, PeerId, Stream } from "@libp2p/interface";
import type { Multiaddr } from "@multiformats/multiaddr";
import { channelProtocol, resolveP2PConfig, type PersistentPeerAddress, type ResolvedP2PConfig } from "./config.js";
import { p2pErrors } from "./errors.js";
import { encodeFrame, FRAME_HEADER_BYTES, FrameDecoder } from "./framing.js";
import { p2pPrivateKey, p2pPeerId } from "./identity.js";
import { PeerScores } from "./peerScores.js";
import { PersistentPeerDialer } from "./redial.js";
import { ChannelSender } from "./sendQueue.js";
import {
  CHANNELS,
  type ChannelId,
  type MessageHandler,
  type P2PConfig,
  type P2PHost,
  type PeerEvent,
  type PeerInfo,
} from "./types.js";

/** Inbound streams one peer may hold open per channel (one, plus room for a replacement). */
const MAX_STREAMS_PER_CHANNEL = 4;
/** A channel stream that keeps closing while its connection stays up is a broken peer. */
const MAX_CHANNEL_REOPENS = 3;

interface PeerState {
  id: string;
  remote: PeerId;
  address: string;
  /** The remote IP (or host) of the connection, for bans by address. */
  ip: string;
  persistent: boolean;
  connectedSinceMs: number;
  senders: Record<ChannelId, ChannelSender>;
  decoders: Set<FrameDecoder>;
  /** Streams that closed while their connection stayed open (a broken peer, past a few). */
  reopens: number;
  /** The connection each channel's outgoing stream runs on. */
  channelConns: Partial<Record<ChannelId, Connection>>;
  /** Told to onPeer handlers: once our channel streams are open or the peer has sent a message. */
  announced: boolean;
  /** Messages to it dropped on a full send queue and not logged yet, per channel. */
  unloggedDrops: Partial<Record<ChannelId, number>>;
  /** When its drops were last logged (at most once per dropLogIntervalMs). */
  dropsLoggedAtMs: number | undefined;
  misbehaved: boolean;
  closed: boolean;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Why a bind failed, in a few words: libp2p wraps the socket's error in advice about its own
 * configuration, which a Strike operator does not have.
 */
function listenFailure(err: unknown, address: string): string {
  const text = errorText(err);
  if (text.includes("EADDRINUSE")) return `${address} is already in use`;
  if (text.includes("EADDRNOTAVAIL")) return `${address} is not an address of this machine`;
  if (text.includes("EACCES")) return `no permission to listen on ${address}`;
  return text;
}

function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function remoteIpOf(addr: Multiaddr): string {
  const parts = addr.getComponents();
  return parts.find((c) => c.name === "ip4" || c.name === "ip6" || c.name.startsWith("dns"))?.value ?? addr.toString();
}

function remoteAddressOf(conn: Connection): string {
  const parts = conn.remoteAddr.getComponents();
  const host = parts.find((c) => c.name === "ip4" || c.name === "ip6" || c.name.startsWith("dns"))?.value;
  const port = parts.find((c) => c.name === "tcp")?.value;
  return host !== undefined && port !== undefined ? hostPort(host, Number(port)) : conn.remoteAddr.toString();
}

class Libp2pHost implements P2PHost {
  readonly peerId: string;
  private node: Libp2p | undefined;
  private running = false;
  private starting = false;
  private boundAddress: string | undefined;
  private tick: NodeJS.Timeout | undefined;
  private dialer: PersistentPeerDialer;
  private readonly peersById = new Map<string, PeerState>();
  /** Connections we are hanging up: never admitted again while they linger. */
  private readonly dropped = new WeakSet<Connection>();
  private readonly scores: PeerScores;
  private readonly handlers: Record<ChannelId, MessageHandler[]> = {
    consensus: [],
    mempool: [],
    blocksync: [],
    receipts: [],
    queries: [],
    relay: [],
  };
  private readonly peerHandlers: ((event: PeerEvent) => void)[] = [];
  /** Messages dropped on full send queues since start, per channel (a metric). */
  private readonly drops: Record<ChannelId, number> = {
    consensus: 0,
    mempool: 0,
    blocksync: 0,
    receipts: 0,
    queries: 0,
    relay: 0,
  };
  /** Yamux frames sent to peers, by type (data, window updates, pings). */
  private readonly frames: MuxerFrameCounts = newMuxerFrameCounts();

  constructor(private readonly cfg: ResolvedP2PConfig) {
    this.peerId = p2pPeerId(cfg.nodeKeySeed);
    this.scores = new PeerScores(cfg.tuning);
    this.dialer = this.newDialer();
  }

  get listenAddress(): string {
    if (this.boundAddress === undefined) throw p2pErrors.notStarted("listenAddress is known after start()");
    return this.boundAddress;
  }

  private newDialer(): PersistentPeerDialer {
    const peers = this.cfg.persistentPeers.filter((p) => p.peerId !== this.peerId);
    return new PersistentPeerDialer(peers, this.cfg.tuning, (p) => this.dialPersistent(p), this.cfg.logger);
  }

  async start(): Promise<void> {
    if (this.node !== undefined || this.starting) return;
    this.starting = true;
    try {
      await this.startNode();
    } finally {
      this.starting = false;
    }
  }

  private async startNode(): Promise<void> {
    const { tuning, listen } = this.cfg;
    this.dialer = this.newDialer();
    const node = await createLibp2p({
      start: false,
      privateKey: p2pPrivateKey(this.cfg.nodeKeySeed),
      addresses: { listen: [listen.multiaddr] },
      transports: [tcp()],
      connectionEncrypters: [strikeNoise()],
      streamMuxers: [strikeYamux(this.frames)],
      connectionGater: {
        denyInboundEncryptedConnection: (peer: PeerId, maConn: MultiaddrConnection) =>
          this.refusesInbound(peer.toString(), remoteIpOf(maConn.remoteAddr)),
      },
      connectionManager: {
        maxConnections: this.cfg.maxPeers + this.dialer.count + 8,
        dialTimeout: tuning.dialTimeoutMs,
        // Persistent peers are redialled here, with our backoff, not by libp2p.
        reconnectRetries: 0,
      },
    });
    // Events of a node from before a restart are ignored.
    node.addEventListener("connection:open", (e) => {
      if (this.node === node) this.admit(e.detail);
    });
    node.addEventListener("peer:disconnect", (e) => {
      const peer = this.node === node ? this.peersById.get(e.detail.toString()) : undefined;
      if (peer !== undefined) this.teardown(peer);
    });
    for (const ch of CHANNELS) {
      await node.handle(
        channelProtocol(this.cfg.networkId, ch),
        (stream, conn) => this.acceptStream(ch, stream, conn),
        {
          maxInboundStreams: MAX_STREAMS_PER_CHANNEL,
          maxOutboundStreams: MAX_STREAMS_PER_CHANNEL,
        },
      );
    }
    this.node = node;
    this.running = true;
    try {
      await node.start();
    } catch (err) {
      this.running = false;
      this.node = undefined;
      await Promise.resolve(node.stop()).catch(() => {});
      const address = hostPort(listen.host, listen.port);
      const reason = listenFailure(err, address);
      throw p2pErrors.listenFailed(`${address}: ${reason}`, { address, reason });
    }
    const port = node
      .getMultiaddrs()
      .flatMap((ma) => ma.getComponents())
      .find((c) => c.name === "tcp")?.value;
    this.boundAddress = hostPort(listen.host, Number(port ?? listen.port));
    this.cfg.logger.info("p2p listening", { peerId: this.peerId, address: this.boundAddress });
    const every = Math.max(50, Math.min(1_000, Math.floor(tuning.stallTimeoutMs / 4)));
    this.tick = setInterval(() => this.onTick(), every);
    this.dialer.start();
  }

  async stop(): Promise<void> {
    const node = this.node;
    if (node === undefined) return;
    this.running = false;
    clearInterval(this.tick);
    this.dialer.stop();
    for (const peer of [...this.peersById.values()]) this.teardown(peer);
    this.node = undefined;
    this.boundAddress = undefined;
    await node.stop();
  }

  peers(): PeerInfo[] {
    const now = Date.now();
    return [...this.peersById.values()]
      .filter((p) => p.announced)
      .map((p) => ({
        id: p.id,
        address: p.address,
        persistent: p.persistent,
        score: this.scores.score(p.id, now),
        connectedSinceMs: p.connectedSinceMs,
        queuedBytes: CHANNELS.reduce((sum, ch) => sum + p.senders[ch].queuedBytes, 0),
      }));
  }

  broadcast(channel: ChannelId, message: Uint8Array): void {
    this.checkSize(channel, message);
    const senders: ChannelSender[] = [];
    for (const peer of this.peersById.values()) {
      const sender = peer.senders[channel];
      if (sender.accepts(FRAME_HEADER_BYTES + message.length)) senders.push(sender);
      else this.queueFull(peer, channel);
    }
    if (senders.length === 0) return;
    // One frame shared by every peer's queue: it is never mutated after encoding.
    const frame = encodeFrame(message);
    for (const sender of senders) sender.enqueue(frame);
  }

  send(peerId: string, channel: ChannelId, message: Uint8Array): boolean {
    this.checkSize(channel, message);
    const peer = this.peersById.get(peerId);
    if (peer === undefined) return false;
    const sender = peer.senders[channel];
    if (!sender.accepts(FRAME_HEADER_BYTES + message.length)) {
      this.queueFull(peer, channel);
      return false;
    }
    return sender.enqueue(encodeFrame(message));
  }

  sendDrops(): Readonly<Record<ChannelId, number>> {
    return { ...this.drops };
  }

  /** Yamux frames sent to every peer since start-up, by type. */
  muxerFramesSent(): Readonly<MuxerFrameCounts> {
    return { ...this.frames };
  }

  /** A message a connected peer's full queue refused: counted, and logged without flooding the log. */
  private queueFull(peer: PeerState, channel: ChannelId): void {
    this.drops[channel]++;
    peer.unloggedDrops[channel] = (peer.unloggedDrops[channel] ?? 0) + 1;
    this.logDrops(peer, Date.now());
  }

  /** Logs a peer's drops not logged yet, unless its last such line is more recent than the interval (or it is going). */
  private logDrops(peer: PeerState, now: number, going = false): void {
    const interval = this.cfg.tuning.dropLogIntervalMs;
    if (!going && peer.dropsLoggedAtMs !== undefined && now - peer.dropsLoggedAtMs < interval) return;
    const dropped = peer.unloggedDrops;
    const channels = Object.keys(dropped) as ChannelId[];
    if (channels.length === 0) return;
    peer.unloggedDrops = {};
    peer.dropsLoggedAtMs = now;
    this.cfg.logger.warn("send queue full: messages to the peer dropped", {
      peer: peer.id,
      dropped,
      queued_messages: Object.fromEntries(channels.map((ch) => [ch, peer.senders[ch].queuedMessages])),
      queued_bytes: Object.fromEntries(channels.map((ch) => [ch, peer.senders[ch].queuedBytes])),
      log_interval_ms: interval,
    });
  }

  queuedBytes(peerId: string, channel: ChannelId): number {
    return this.peersById.get(peerId)?.senders[channel].queuedBytes ?? 0;
  }

  onMessage(channel: ChannelId, handler: MessageHandler): void {
    this.handlers[channel].push(handler);
  }

  onPeer(handler: (event: PeerEvent) => void): void {
    this.peerHandlers.push(handler);
  }

  reportInvalid(peerId: string, reason: string): void {
    const { invalidMessagePenalty, banScore } = this.cfg.tuning;
    const score = this.scores.penalize(peerId, invalidMessagePenalty, Date.now());
    this.cfg.logger.info("invalid message from peer", { peer: peerId, reason, score });
    if (score <= banScore) this.dropPeer(peerId, `score ${score} after: ${reason}`, true);
  }

  private checkSize(channel: ChannelId, message: Uint8Array): void {
    const max = this.cfg.maxMessageBytes[channel];
    if (message.length > max) {
      throw p2pErrors.messageTooLarge(`${channel}: ${message.length} bytes > ${max}`, {
        channel,
        bytes: message.length,
        max,
      });
    }
  }

  private refusesInbound(peerId: string, ip: string): boolean {
    const now = Date.now();
    if (!this.running || this.scores.isBanned(peerId, now)) return true;
    if (this.dialer.isPersistent(peerId)) return false;
    if (this.scores.isAddressBanned(ip, now)) return true;
    return !this.peersById.has(peerId) && this.nonPersistentCount() >= this.cfg.maxPeers;
  }

  private nonPersistentCount(): number {
    let n = 0;
    for (const p of this.peersById.values()) if (!p.persistent) n++;
    return n;
  }

  /** Makes a connection's peer one of ours (once per peer), or refuses it. */
  private admit(conn: Connection): PeerState | undefined {
    const id = conn.remotePeer.toString();
    const existing = this.peersById.get(id);
    if (existing !== undefined) return existing;
    if (!this.running || conn.status !== "open" || this.dropped.has(conn)) return undefined;
    const persistent = this.dialer.isPersistent(id);
    const ip = remoteIpOf(conn.remoteAddr);
    const now = Date.now();
    const banned = this.scores.isBanned(id, now) || this.scores.isAddressBanned(ip, now);
    const refusal = !persistent && banned ? "banned" : undefined;
    const full = !persistent && this.nonPersistentCount() >= this.cfg.maxPeers ? "max peers reached" : undefined;
    if (refusal !== undefined || full !== undefined) {
      this.cfg.logger.info("refusing peer", { peer: id, reason: refusal ?? full });
      this.dropped.add(conn);
      conn.abort(p2pErrors.streamClosed(refusal ?? full));
      return undefined;
    }
    const peer: PeerState = {
      id,
      remote: conn.remotePeer,
      address: this.dialer.addressOf(id) ?? remoteAddressOf(conn),
      ip,
      persistent,
      connectedSinceMs: Date.now(),
      senders: {} as Record<ChannelId, ChannelSender>,
      decoders: new Set(),
      reopens: 0,
      channelConns: {},
      announced: false,
      unloggedDrops: {},
      dropsLoggedAtMs: undefined,
      misbehaved: false,
      closed: false,
    };
    for (const ch of CHANNELS) {
      const limits = { maxBytes: this.cfg.tuning.maxQueuedBytes[ch], maxMessages: this.cfg.tuning.maxQueuedMessages };
      peer.senders[ch] = new ChannelSender(limits, Date.now, () => this.onChannelClosed(peer, ch));
    }
    this.peersById.set(id, peer);
    this.dialer.connected(id);
    for (const ch of CHANNELS) void this.openChannel(peer, ch);
    return peer;
  }

  /**
   * A connection is announced only once it carries traffic: a peer that refuses us after the
   * handshake (a ban, a full peer table) never shows up as connected.
   */
  private announce(peer: PeerState): void {
    if (peer.announced || peer.closed) return;
    peer.announced = true;
    this.cfg.logger.info("peer connected", { peer: peer.id, address: peer.address, persistent: peer.persistent });
    this.emitPeer({ kind: "connected", peerId: peer.id });
  }

  private async openChannel(peer: PeerState, channel: ChannelId): Promise<void> {
    const conn = this.node?.getConnections(peer.remote).find((c) => c.status === "open" && !this.dropped.has(c));
    if (conn === undefined) return; // the peer is going away: 'peer:disconnect' follows
    try {
      const stream = await conn.newStream(channelProtocol(this.cfg.networkId, channel), {
        signal: AbortSignal.timeout(this.cfg.tuning.dialTimeoutMs),
      });
      if (peer.closed) {
        stream.abort(p2pErrors.streamClosed());
        return;
      }
      peer.channelConns[channel] = conn;
      peer.senders[channel].attach(stream);
      if (CHANNELS.every((ch) => peer.senders[ch].attached)) this.announce(peer);
    } catch (err) {
      if (peer.closed || !this.running) return;
      // A peer without our protocols is on another network (or not a Strike node).
      const foreign = err instanceof Error && err.name === "UnsupportedProtocolError";
      this.dropPeer(peer.id, `cannot open ${channel} channel: ${errorText(err)}`, foreign);
    }
  }

  private onChannelClosed(peer: PeerState, channel: ChannelId): void {
    if (peer.closed || !this.running) return;
    // A connection that went away takes all its streams with it: that is one event, not a
    // stream closing under a live connection, so it does not count. With two connections to
    // one peer (both dialled each other) the channel reopens on the other; with none,
    // 'peer:disconnect' follows.
    const conn = peer.channelConns[channel];
    delete peer.channelConns[channel];
    const connectionWent = conn !== undefined && (conn.status !== "open" || this.dropped.has(conn));
    if (!connectionWent && ++peer.reopens > MAX_CHANNEL_REOPENS) {
      this.dropPeer(peer.id, `${channel} channel keeps closing`, false);
      return;
    }
    void this.openChannel(peer, channel);
  }

  private acceptStream(channel: ChannelId, stream: Stream, conn: Connection): void {
    const peer = this.admit(conn);
    if (peer === undefined) {
      stream.abort(p2pErrors.streamClosed());
      return;
    }
    const max = this.cfg.maxMessageBytes[channel];
    const decoder = new FrameDecoder(max);
    peer.decoders.add(decoder);
    stream.addEventListener("message", (evt) => {
      if (peer.closed) return;
      this.announce(peer);
      const chunks = evt.data instanceof Uint8Array ? [evt.data] : evt.data;
      const oversized = decoder.push(chunks, (message) => this.deliver(peer, channel, message));
      if (oversized !== undefined) {
        this.dropPeer(peer.id, `oversized ${channel} message: ${oversized.length} bytes > ${oversized.max}`, true);
      }
    });
    stream.addEventListener("close", () => {
      decoder.close();
      peer.decoders.delete(decoder);
    });
  }

  private deliver(peer: PeerState, channel: ChannelId, message: Uint8Array): void {
    for (const handler of this.handlers[channel]) {
      if (peer.closed) return;
      try {
        handler(peer.id, message);
      } catch (err) {
        this.cfg.logger.error("message handler failed", { channel, peer: peer.id, error: errorText(err) });
      }
    }
  }

  /**
   * Disconnects a peer. A misbehaving one is refused for a while: a non-persistent peer for
   * `banDurationMs`, a persistent one until its next (backed-off) redial.
   */
  private dropPeer(peerId: string, reason: string, misbehaved: boolean): void {
    this.cfg.logger.info("dropping peer", { peer: peerId, reason, misbehaved });
    const now = Date.now();
    const persistent = this.dialer.isPersistent(peerId);
    if (misbehaved && !persistent) this.scores.ban(peerId, now + this.cfg.tuning.banDurationMs);
    const peer = this.peersById.get(peerId);
    if (peer === undefined) return;
    if (misbehaved && !persistent) this.scores.banAddress(peer.ip, now + this.cfg.tuning.banDurationMs);
    peer.misbehaved ||= misbehaved;
    const conns = this.node?.getConnections(peer.remote) ?? [];
    for (const c of conns) this.dropped.add(c);
    this.teardown(peer);
    for (const c of conns) c.abort(p2pErrors.streamClosed(reason));
  }

  private teardown(peer: PeerState): void {
    if (peer.closed) return;
    peer.closed = true;
    this.peersById.delete(peer.id);
    for (const d of peer.decoders) d.close();
    this.logDrops(peer, Date.now(), true);
    for (const ch of CHANNELS) peer.senders[ch].close();
    if (peer.announced) {
      this.cfg.logger.info("peer disconnected", { peer: peer.id });
      this.emitPeer({ kind: "disconnected", peerId: peer.id });
    }
    if (!peer.persistent || !this.running) return;
    const now = Date.now();
    const delay = this.dialer.disconnected(peer.id, now - peer.connectedSinceMs, peer.misbehaved);
    if (peer.misbehaved && delay !== undefined) this.scores.ban(peer.id, now + delay);
  }

  private async dialPersistent(p: PersistentPeerAddress): Promise<boolean> {
    const node = this.node;
    if (node === undefined) return false;
    await node.dial(multiaddr(p.multiaddr), { signal: AbortSignal.timeout(this.cfg.tuning.dialTimeoutMs) });
    return this.peersById.has(p.peerId);
  }

  private onTick(): void {
    const now = Date.now();
    const { stallTimeoutMs } = this.cfg.tuning;
    for (const peer of [...this.peersById.values()]) {
      // Drops held back by the interval are logged once it has passed.
      this.logDrops(peer, now);
      for (const ch of CHANNELS) {
        const since = peer.senders[ch].waitingSinceMs();
        if (since !== undefined && now - since > stallTimeoutMs) {
          this.dropPeer(peer.id, `${ch} send queue made no progress for ${now - since} ms`, false);
          break;
        }
      }
    }
    this.scores.prune(now);
    this.dialer.ensureScheduled();
  }

  private emitPeer(event: PeerEvent): void {
    for (const handler of this.peerHandlers) {
      try {
        handler(event);
      } catch (err) {
        this.cfg.logger.error("peer event handler failed", {
          event: event.kind,
          peer: event.peerId,
          error: errorText(err),
        });
      }
    }
  }
}

/** Builds a host from the config (validated here: a bad address fails now, not at start). */
export function createP2PHost(config: P2PConfig): P2PHost {
  return new Libp2pHost(resolveP2PConfig(config));
}
