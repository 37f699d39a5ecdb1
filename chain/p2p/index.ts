export { createP2PHost } from "./host.js";
export { p2pPeerId, p2pPrivateKey } from "./identity.js";
export {
  channelProtocol,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_PEERS,
  DEFAULT_TUNING,
  parseListenAddress,
  parsePersistentPeer,
} from "./config.js";
export { p2pErrors } from "./errors.js";
export { CHANNELS } from "./types.js";
export type { MuxerFrameCounts } from "./yamux.js";
export type {
  ChannelId,
  MessageHandler,
  P2PConfig,
  P2PHost,
  P2PLogger,
  P2PTuning,
  P2PTuningOverrides,
  PeerEvent,
  PeerInfo,
} from "./types.js";
