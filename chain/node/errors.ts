import { registerError } from "../types/errors.js";

/** The node's own codes: startup problems an operator has to fix. */
export const nodeErrors = {
  badGenesisTime: registerError("node", 1, "invalid genesis_time"),
  rpcUnavailable: registerError("node", 3, "RPC address unavailable"),
  metricsUnavailable: registerError("node", 4, "metrics address unavailable"),
  p2pUnavailable: registerError("node", 5, "P2P address unavailable"),
} as const;
