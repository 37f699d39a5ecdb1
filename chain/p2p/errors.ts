import { registerError } from "../types/errors.js";

/** Failures of the p2p layer: configuration mistakes an operator can fix, and misuse by callers. */
export const p2pErrors = {
  invalidConfig: registerError("p2p", 1, "invalid p2p configuration"),
  invalidPeerAddress: registerError("p2p", 2, "invalid persistent peer: expected <peerId>@<host>:<port>"),
  invalidListenAddress: registerError("p2p", 3, "invalid listen address: expected tcp://<host>:<port>"),
  invalidNodeKey: registerError("p2p", 4, "invalid node key: expected the 32-byte ed25519 seed"),
  messageTooLarge: registerError("p2p", 5, "message is larger than the channel's maximum message size"),
  notStarted: registerError("p2p", 6, "the p2p host is not started"),
  /** The reason libp2p is given when we abort a stream or connection we no longer want. */
  streamClosed: registerError("p2p", 7, "closed by the strike p2p layer"),
  /** A well-formed listen address the host could not bind (in use, not this machine's, no permission). */
  listenFailed: registerError("p2p", 8, "cannot listen for peers"),
} as const;
