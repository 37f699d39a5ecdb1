import { registerError } from "../types/errors.js";

export const indexerErrors = {
  invalidQuery: registerError("indexer", 1, "invalid event query"),
  corruptRecord: registerError("indexer", 2, "corrupt tx index record"),
  tooManySubscriptions: registerError("indexer", 3, "too many subscriptions"),
  alreadySubscribed: registerError("indexer", 4, "already subscribed"),
  notSubscribed: registerError("indexer", 5, "subscription not found"),
  subscriberTooSlow: registerError("indexer", 6, "subscriber is too slow and was dropped"),
  tooManyClients: registerError("indexer", 7, "too many subscription clients"),
} as const;
