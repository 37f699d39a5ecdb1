import type { MuxerFrameCounts } from "./yamux.js";

/** The gossip channels. Each one is its own libp2p protocol and stream. */
export type ChannelId = "consensus" | "mempool" | "blocksync" | "receipts" | "queries" | "relay";

export const CHANNELS: readonly ChannelId[] = ["consensus", "mempool", "blocksync", "receipts", "queries", "relay"];

export interface P2PLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Knobs with defaults that suit a validator network; tests shrink the timings. All sizes in
 * bytes, all durations in milliseconds.
 */
export interface P2PTuning {
  /** Per peer and channel: bytes waiting in our send queue before `send` starts returning false. */
  maxQueuedBytes: Record<ChannelId, number>;
  /** Per peer and channel: messages waiting in our send queue (bounds overhead of tiny messages). */
  maxQueuedMessages: number;
  /** A peer whose send queue made no progress for this long is disconnected. */
  stallTimeoutMs: number;
  /** Messages dropped because a peer's send queue was full are logged at most once per peer per this long. */
  dropLogIntervalMs: number;
  /** First redial delay of a persistent peer; doubles on each failure. */
  reconnectInitialDelayMs: number;
  /** The cap of the redial delay. */
  reconnectMaxDelayMs: number;
  /** A connection that lasted this long resets a persistent peer's backoff. */
  stableConnectionMs: number;
  /** A single dial attempt is abandoned after this long. */
  dialTimeoutMs: number;
  /** How long a misbehaving (non-persistent) peer is refused. */
  banDurationMs: number;
  /** Score lost per `reportInvalid`. */
  invalidMessagePenalty: number;
  /** At or below this score a peer is dropped and banned. */
  banScore: number;
  /** Score regained per minute of good behaviour, up to 0. */
  scoreRecoveryPerMinute: number;
}

/** What a config may override: any knob, and any channel's queue bound. */
export type P2PTuningOverrides = Partial<Omit<P2PTuning, "maxQueuedBytes">> & {
  maxQueuedBytes?: Partial<Record<ChannelId, number>>;
};

export interface P2PConfig {
  /** The 32-byte ed25519 seed: the first half of `priv_key` in the node's node_key.json. */
  nodeKeySeed: Uint8Array;
  /** "tcp://127.0.0.1:26656" (CometBFT laddr form); host may be 0.0.0.0, an IPv6 literal in [], port 0 picks one. */
  listen: string;
  /** "<peerId>@<host>:<port>", peerId as `p2pPeerId(seed)` returns it. Kept connected, redialled with backoff. */
  persistentPeers: readonly string[];
  /** The chain id: peers on another network cannot open our channels. Default "strike". */
  networkId?: string;
  maxMessageBytes?: Partial<Record<ChannelId, number>>;
  /** Non-persistent peers accepted at once (persistent peers are always accepted). Default 50. */
  maxPeers?: number;
  logger?: P2PLogger;
  tuning?: P2PTuningOverrides;
}

export interface PeerInfo {
  id: string;
  /** host:port of the connection's remote end. */
  address: string;
  persistent: boolean;
  /** 0 is good standing; penalties make it negative; at `banScore` the peer is dropped. */
  score: number;
  connectedSinceMs: number;
  /** Bytes in our send queues to this peer, all channels. */
  queuedBytes: number;
}

export interface PeerEvent {
  kind: "connected" | "disconnected";
  peerId: string;
}
export type MessageHandler = (peerId: string, message: Uint8Array) => void;

export interface P2PHost {
  readonly peerId: string;
  /** host:port actually listened on (port 0 in the config → the assigned port). Valid after start. */
  readonly listenAddress: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  peers(): PeerInfo[];
  /** Queues the message to every connected peer; peers whose queue is full miss it (counted, logged). Never blocks. */
  broadcast(channel: ChannelId, message: Uint8Array): void;
  /** Queues the message to one peer: false if not connected or its queue on that channel is full (counted, logged). */
  send(peerId: string, channel: ChannelId, message: Uint8Array): boolean;
  /** Handlers run synchronously, in the order a peer sent on a channel: keep them quick. */
  onMessage(channel: ChannelId, handler: MessageHandler): void;
  onPeer(handler: (event: PeerEvent) => void): void;
  /** Bytes queued to the peer on the channel and not yet written (0 for an unknown peer). */
  queuedBytes(peerId: string, channel: ChannelId): number;
  /** Messages dropped since start because a connected peer's send queue on the channel was full. */
  sendDrops(): Readonly<Record<ChannelId, number>>;
  /** Yamux frames sent to every peer since start-up, by type (data, window updates, pings, go-aways). */
  muxerFramesSent(): Readonly<MuxerFrameCounts>;
  /** Called by upper layers when a message failed to decode/validate. */
  reportInvalid(peerId: string, reason: string): void;
}
