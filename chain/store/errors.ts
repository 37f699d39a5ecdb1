/** Registered errors of the storage layer (codespace "store"). */

import { registerError } from "../types/errors.js";

export const storeErrors = {
  /** The version was pruned (older than `earliestVersion`): ask an archive node or a newer height. */
  versionPruned: registerError("store", 2, "version pruned"),
  /** The version is above the last committed one. */
  versionNotCommitted: registerError("store", 3, "version not yet committed"),
  /** Stored data contradicts itself (a missing node, a hash mismatch): the database is damaged. */
  corrupted: registerError("store", 4, "state store corrupted"),
  /** A commit was asked for a version that does not follow the last committed one. */
  invalidVersion: registerError("store", 5, "invalid commit version"),
  /** The database is closed or could not be opened. */
  databaseUnavailable: registerError("store", 6, "database unavailable"),
} as const;
