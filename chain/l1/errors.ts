import { registerError } from "../types/errors.js";

/** Errors of the L1 client code (building settlement inputs, running a local L1). */
export const l1Errors = {
  invalidValidatorSet: registerError("l1", 1, "invalid L1 validator set"),
  invalidKey: registerError("l1", 2, "invalid L1 signing key"),
  invalidMerkleRequest: registerError("l1", 3, "invalid Merkle tree request"),
  nodeFailed: registerError("l1", 4, "local L1 node failed"),
  missingArtifact: registerError("l1", 5, "compiled contract missing: run 'make contracts'"),
  invalidSigners: registerError("l1", 6, "invalid signer selection"),
};
