/**
 * TESTS ONLY (`strike start --x-disk-full-after-height-for-testing`): a `Database` whose
 * writes fail as on a full disk once `full()` says so, reads untouched. It lets an e2e test
 * check that a node whose block cannot be written stops loudly and restarts at a
 * consistent height. Never wired in unless that flag is given.
 */
import type { Database, WriteBatch } from "./types.js";

/** The error a write gets, shaped like Node's ENOSPC so that logs read as the real thing would. */
function noSpace(): Error {
  return Object.assign(
    new Error("ENOSPC: no space left on device, write (simulated by --x-disk-full-after-height-for-testing)"),
    {
      code: "ENOSPC",
    },
  );
}

export function diskFullForTesting(db: Database, full: () => boolean): Database {
  return {
    ...(db.stats === undefined ? {} : { stats: () => db.stats!() }),
    get: (key) => db.get(key),
    getMany: (keys) => db.getMany(keys),
    iterate: (options) => db.iterate(options),
    close: () => db.close(),
    async put(key, value) {
      if (full()) throw noSpace();
      await db.put(key, value);
    },
    batch(): WriteBatch {
      const inner = db.batch();
      return {
        put: (key, value) => inner.put(key, value),
        del: (key) => inner.del(key),
        get length() {
          return inner.length;
        },
        async write() {
          if (full()) throw noSpace();
          await inner.write();
        },
      };
    },
  };
}
