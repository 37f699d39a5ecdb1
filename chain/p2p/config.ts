/**
 * Parsing and validation of the p2p configuration: CometBFT-style addresses in, libp2p
 * multiaddrs out, every omitted knob filled with its default.
 */
import { isIPv4, isIPv6 } from "node:net";
import { peerIdFromString } from "@libp2p/peer-id";
import { p2pErrors } from "./errors.js";
import { CHANNELS, type ChannelId, type P2PConfig, type P2PLogger, type P2PTuning } from "./types.js";
import { FRAME_HEADER_BYTES } from "./framing.js";

const MiB = 1024 * 1024;

export const DEFAULT_MAX_MESSAGE_BYTES: Readonly<Record<ChannelId, number>> = {
  // A proposal carries its block: the block's max size plus the proposal envelope.
  consensus: 4 * MiB,
  mempool: 1 * MiB,
  // A block-sync response holds a block, its commit and some slack.
  blocksync: 22 * MiB,
  // Signed sequencer receipts (chain/sequencer): a few hundred bytes for most txs, but each
  // fill adds ~345 at the widest (both owners, and its trade in the result data), and one
  // order may sweep 1,000 resting orders: room for ~12,000 fills.
  receipts: 4 * MiB,
  // Speculative queries forwarded to the sequencer and its signed answers (chain/sequencer/
  // remoteQuery.ts): an answer's payload is at most 4 MiB, its header 122 bytes.
  queries: 4 * MiB + 1024,
  // Announcements and requests of txs and receipts (chain/node/relay.ts): two header bytes
  // and at most 1,024 hashes of 32 bytes.
  relay: 2 + 1_024 * 32,
};

export const DEFAULT_MAX_PEERS = 50;
export const DEFAULT_NETWORK_ID = "strike";

/** Past this, a length prefix is not a message we would ever accept. */
const MAX_FRAME_PAYLOAD = 0xffff_ffff;

export const DEFAULT_TUNING: Readonly<Omit<P2PTuning, "maxQueuedBytes">> = {
  maxQueuedMessages: 4096,
  stallTimeoutMs: 20_000,
  dropLogIntervalMs: 10_000,
  reconnectInitialDelayMs: 1_000,
  reconnectMaxDelayMs: 60_000,
  stableConnectionMs: 10_000,
  dialTimeoutMs: 5_000,
  banDurationMs: 10 * 60_000,
  invalidMessagePenalty: 10,
  banScore: -100,
  scoreRecoveryPerMinute: 10,
};

/** A queue holds at least two largest messages, and never less than 4 MiB. */
function defaultQueuedBytes(maxMessageBytes: number): number {
  return Math.max(2 * (maxMessageBytes + FRAME_HEADER_BYTES), 4 * MiB);
}

export type HostKind = "ip4" | "ip6" | "dns";

export interface ListenAddress {
  host: string;
  kind: HostKind;
  port: number;
  multiaddr: string;
}

export interface PersistentPeerAddress {
  peerId: string;
  host: string;
  kind: HostKind;
  port: number;
  /** host:port as written in the config. */
  address: string;
  multiaddr: string;
}

export interface ResolvedP2PConfig {
  nodeKeySeed: Uint8Array;
  listen: ListenAddress;
  persistentPeers: PersistentPeerAddress[];
  networkId: string;
  maxMessageBytes: Record<ChannelId, number>;
  maxPeers: number;
  logger: P2PLogger;
  tuning: P2PTuning;
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Splits "host:port" / "[v6]:port" and classifies the host; undefined when malformed. */
function splitHostPort(text: string): { host: string; kind: HostKind; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (m === null) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  if (m[1] !== undefined) return isIPv6(m[1]) ? { host: m[1], kind: "ip6", port } : undefined;
  const host = m[2]!;
  if (isIPv4(host)) return { host, kind: "ip4", port };
  // A dotted all-numeric name is a mistyped IPv4 address, not a host name.
  if (HOSTNAME.test(host) && !/^[\d.]+$/.test(host)) return { host, kind: "dns", port };
  return undefined;
}

function multiaddrOf(kind: HostKind, host: string, port: number): string {
  return `/${kind}/${host}/tcp/${port}`;
}

/** "tcp://127.0.0.1:26656", "127.0.0.1:26656", "tcp://[::]:0"; "localhost" means 127.0.0.1. */
export function parseListenAddress(laddr: string): ListenAddress {
  const text = laddr.startsWith("tcp://") ? laddr.slice("tcp://".length) : laddr;
  const parts = splitHostPort(text);
  if (parts === undefined) throw p2pErrors.invalidListenAddress(`"${laddr}"`, { listen: laddr });
  let { host, kind } = parts;
  if (kind === "dns") {
    if (host !== "localhost") {
      throw p2pErrors.invalidListenAddress(`"${laddr}": listen on an IP address, not a name`, { listen: laddr });
    }
    host = "127.0.0.1";
    kind = "ip4";
  }
  return { host, kind, port: parts.port, multiaddr: multiaddrOf(kind, host, parts.port) };
}

/** "<peerId>@<host>:<port>" with an Ed25519 libp2p peer id (12D3KooW…); an optional tcp:// prefix is allowed. */
export function parsePersistentPeer(entry: string): PersistentPeerAddress {
  const bad = (reason: string): never => {
    throw p2pErrors.invalidPeerAddress(`"${entry}": ${reason}`, { entry, reason });
  };
  const text = entry.trim().replace(/^tcp:\/\//, "");
  const at = text.indexOf("@");
  if (at <= 0) return bad("missing <peerId>@");
  const peerId = text.slice(0, at);
  try {
    if (peerIdFromString(peerId).type !== "Ed25519") return bad("peer id is not an Ed25519 libp2p peer id");
  } catch {
    return bad(`"${peerId}" is not a libp2p peer id (expected what p2pPeerId(seed) returns, 12D3KooW…)`);
  }
  const address = text.slice(at + 1);
  const parts = splitHostPort(address);
  if (parts === undefined) return bad(`"${address}" is not <host>:<port>`);
  if (parts.port === 0) return bad("port 0 cannot be dialled");
  const multiaddr = `${multiaddrOf(parts.kind, parts.host, parts.port)}/p2p/${peerId}`;
  return { peerId, ...parts, address, multiaddr };
}

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw p2pErrors.invalidConfig(
      `${name} must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` ≤ ${max}` : ""}, got ${value}`,
      {
        name,
        value,
      },
    );
  }
  return value;
}

const silentLogger: P2PLogger = { info: () => {}, warn: () => {}, error: () => {} };

export function resolveP2PConfig(config: P2PConfig): ResolvedP2PConfig {
  if (!(config.nodeKeySeed instanceof Uint8Array) || config.nodeKeySeed.length !== 32) {
    throw p2pErrors.invalidNodeKey(`got ${config.nodeKeySeed?.length ?? 0} bytes`);
  }
  const networkId = config.networkId ?? DEFAULT_NETWORK_ID;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(networkId)) {
    throw p2pErrors.invalidConfig(`networkId "${networkId}" must be 1-64 of [A-Za-z0-9._-]`, { networkId });
  }
  const persistentPeers = config.persistentPeers.filter((p) => p.trim() !== "").map(parsePersistentPeer);
  const seen = new Set<string>();
  for (const p of persistentPeers) {
    if (seen.has(p.peerId))
      throw p2pErrors.invalidPeerAddress(`peer ${p.peerId} is listed twice`, { peerId: p.peerId });
    seen.add(p.peerId);
  }
  const maxMessageBytes = { ...DEFAULT_MAX_MESSAGE_BYTES };
  const tuning = config.tuning ?? {};
  const maxQueuedBytes = {} as Record<ChannelId, number>;
  for (const ch of CHANNELS) {
    maxMessageBytes[ch] = positiveInteger(
      `maxMessageBytes.${ch}`,
      config.maxMessageBytes?.[ch] ?? maxMessageBytes[ch],
      MAX_FRAME_PAYLOAD,
    );
    maxQueuedBytes[ch] = positiveInteger(
      `tuning.maxQueuedBytes.${ch}`,
      tuning.maxQueuedBytes?.[ch] ?? defaultQueuedBytes(maxMessageBytes[ch]),
    );
    if (maxQueuedBytes[ch] < maxMessageBytes[ch] + FRAME_HEADER_BYTES) {
      throw p2pErrors.invalidConfig(`tuning.maxQueuedBytes.${ch} must hold one largest message`, { channel: ch });
    }
  }
  const resolvedTuning: P2PTuning = { ...DEFAULT_TUNING, ...tuning, maxQueuedBytes };
  for (const key of Object.keys(DEFAULT_TUNING) as (keyof typeof DEFAULT_TUNING)[]) {
    if (key === "banScore") {
      if (!Number.isSafeInteger(resolvedTuning.banScore) || resolvedTuning.banScore >= 0) {
        throw p2pErrors.invalidConfig(`tuning.banScore must be a negative integer`, { value: resolvedTuning.banScore });
      }
    } else {
      positiveInteger(`tuning.${key}`, resolvedTuning[key]);
    }
  }
  if (resolvedTuning.reconnectMaxDelayMs < resolvedTuning.reconnectInitialDelayMs) {
    throw p2pErrors.invalidConfig("tuning.reconnectMaxDelayMs must be ≥ reconnectInitialDelayMs");
  }
  return {
    nodeKeySeed: config.nodeKeySeed,
    listen: parseListenAddress(config.listen),
    persistentPeers,
    networkId,
    maxMessageBytes,
    maxPeers: config.maxPeers === 0 ? 0 : positiveInteger("maxPeers", config.maxPeers ?? DEFAULT_MAX_PEERS),
    logger: config.logger ?? silentLogger,
    tuning: resolvedTuning,
  };
}

/** The libp2p protocol of a channel on a network. */
export function channelProtocol(networkId: string, channel: ChannelId): string {
  return `/strike/${networkId}/${channel}/1.0.0`;
}
