/** Relayer failures: off-chain, coded so that logs and scripts can match on them. */
import { registerError } from "../chain/types/errors.js";

export const relayerErrors = {
  strikeRpc: registerError("relayer", 1, "the Strike node's RPC failed"),
  badOption: registerError("relayer", 2, "invalid relayer option"),
  l1Failed: registerError("relayer", 3, "the L1 refused or dropped the checkpoint"),
};
