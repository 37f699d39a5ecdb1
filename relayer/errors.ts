/** Relayer failures: off-chain, coded so that logs and scripts can match on them. */
import { registerError } from "../chain/types/errors.js";

export const relayerErrors = {
  strikeRpc: registerError("relayer", 1, "the Strike node's RPC failed"),
  badOption: registerError("relayer", 2, "invalid relayer option"),
  l1Failed: registerError("relayer", 3, "the L1 refused or dropped the checkpoint"),
  badCalldata: registerError(
    "relayer",
    4,
    "not a settlement checkpoint call: the L1 tx must call checkpoint or updateValidatorSet on the contract",
  ),
  l1TxMissing: registerError("relayer", 5, "no such L1 tx: check the tx hash and the L1 endpoint"),
};
