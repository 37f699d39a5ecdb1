import { registerError } from "../../chain/types/errors.js";

export const keyringErrors = {
  keyNotFound: registerError("keyring", 1, "key not found"),
  keyExists: registerError("keyring", 2, "key already exists"),
  wrongPassphrase: registerError("keyring", 3, "wrong passphrase"),
  invalidKeyName: registerError("keyring", 4, "invalid key name"),
  invalidMnemonic: registerError("keyring", 5, "invalid mnemonic"),
  noPassphrase: registerError("keyring", 6, "no passphrase available"),
  invalidKeyFile: registerError("keyring", 7, "invalid key file"),
} as const;
