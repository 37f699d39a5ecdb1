/** The in-memory `Database` for unit tests: the same contract as RocksDB, no disk. */

import type { Database, WriteBatch } from "./types.js";
import { createMemoryKV } from "./memoryKv.js";
import { storeErrors } from "./errors.js";

type Op = readonly [key: Uint8Array, value: Uint8Array | undefined];

export function createMemoryDatabase(): Database {
  const kv = createMemoryKV();
  let closed = false;
  const check = (): void => {
    if (closed) throw storeErrors.databaseUnavailable("memory database is closed");
  };

  return {
    async get(key) {
      check();
      return copy(kv.get(key));
    },
    async getMany(keys) {
      check();
      return keys.map((k) => copy(kv.get(k)));
    },
    async put(key, value) {
      check();
      kv.set(key, new Uint8Array(value));
    },
    batch(): WriteBatch {
      const ops: Op[] = [];
      return {
        put(key, value) {
          ops.push([new Uint8Array(key), new Uint8Array(value)]);
        },
        del(key) {
          ops.push([new Uint8Array(key), undefined]);
        },
        get length() {
          return ops.length;
        },
        // All-or-nothing like RocksDB: every op is applied in one synchronous step.
        async write() {
          check();
          for (const [key, value] of ops) {
            if (value === undefined) kv.delete(key);
            else kv.set(key, value);
          }
          ops.length = 0;
        },
      };
    },
    async *iterate({ start, end, reverse = false, limit }) {
      check();
      let n = 0;
      for (const [key, value] of kv.iterator(start, end, reverse)) {
        if (limit !== undefined && limit >= 0 && n >= limit) return;
        n++;
        yield [new Uint8Array(key), new Uint8Array(value)];
      }
    },
    async close() {
      closed = true;
    },
  };
}

function copy(v: Uint8Array | undefined): Uint8Array | undefined {
  return v === undefined ? undefined : new Uint8Array(v);
}
