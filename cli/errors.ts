import { registerError } from "../chain/types/errors.js";

export const cliErrors = {
  badArgument: registerError("cli", 1, "invalid argument"),
  nodeUnreachable: registerError("cli", 2, "node unreachable"),
  txFailed: registerError("cli", 3, "transaction failed"),
  txTimeout: registerError("cli", 4, "transaction not included in time"),
  noInput: registerError("cli", 5, "no input"),
  badPassphrase: registerError("cli", 6, "invalid passphrase"),
  aborted: registerError("cli", 7, "aborted"),
  notFound: registerError("cli", 8, "not found"),
  alreadyInitialized: registerError("cli", 9, "already initialized"),
  chainIdMismatch: registerError("cli", 10, "chain id mismatch"),
} as const;
