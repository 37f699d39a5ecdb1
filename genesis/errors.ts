import { registerError } from "../chain/types/errors.js";

export const genesisErrors = {
  invalidGenesis: registerError("genesis", 1, "invalid genesis"),
  unreadableGenesis: registerError("genesis", 2, "cannot read genesis file"),
  invalidCoins: registerError("genesis", 3, "invalid coins"),
  invalidAddress: registerError("genesis", 4, "invalid address"),
} as const;
