/**
 * Cached prefix scans (chain/runtime/valueCache.ts `cachedScan`, what a margin check's
 * `accountPositions` uses) give what the store's scan gives, with the same gas, in every
 * branch: random writes and deletes in and around the scanned prefixes, in the block's
 * state, a tx's branch and a message's branch inside it, with branches written, dropped and
 * blocks committed or rolled back between scans. Each scan is compared with the store's
 * (cache off) in the same context.
 */
import test from "ava";
import fc from "fast-check";
import { createContext } from "../../../chain/runtime/context.js";
import { createGasMeter } from "../../../chain/runtime/gas.js";
import { moduleStorePrefixS } from "../../../chain/runtime/prefixStore.js";
import type { Context } from "../../../chain/runtime/types.js";
import { cachedScan, setValueCacheMode, UNCACHED, valueCacheReads } from "../../../chain/runtime/valueCache.js";
import { branchStore, type Branch } from "../../../chain/store/branch.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { keyString } from "../../../chain/store/sortedKeys.js";
import { openStateStore } from "../../../chain/store/stateStore.js";
import type { KVStore } from "../../../chain/store/types.js";
import { prefixEnd } from "../../../chain/types/bytes.js";
import { assertAsyncProperty } from "../../helpers/property.js";

const MOD = "mod";

function ctxOn(store: KVStore, limit?: bigint): Context {
  return createContext({
    block: { chainId: "t", height: 1n, time: { seconds: 1n, nanos: 0 } },
    mode: "finalize",
    store,
    gasMeter: createGasMeter(limit),
  });
}

/** Prefixes 0x05 0x00, 0x05 0x01 and 0x05 0xff (whose end is 0x06), and keys in and around them. */
const PREFIXES = [Uint8Array.of(5, 0), Uint8Array.of(5, 1), Uint8Array.of(5, 0xff)];
const keyArb = fc
  .tuple(fc.constantFrom(4, 5, 6), fc.constantFrom(0, 1, 0xff), fc.nat({ max: 3 }))
  .map(([a, b, c]) => (c === 0 ? Uint8Array.of(a, b) : Uint8Array.of(a, b, c)));

const decode = (b: Uint8Array): string => Array.from(b).join(".");

/** The scan of `prefix` from `store`: the values and the gas, through the cache ("on") or the store ("off"). */
function scan(store: KVStore, prefix: Uint8Array, mode: "on" | "off", limit?: bigint): string {
  const previous = setValueCacheMode(mode);
  try {
    const ctx = ctxOn(store, limit);
    let values: string[];
    try {
      if (mode === "on") {
        const before = valueCacheReads();
        const hit = cachedScan(
          ctx,
          moduleStorePrefixS(MOD) + keyString(prefix),
          moduleStorePrefixS(MOD) + keyString(prefixEnd(prefix)!),
          decode,
        );
        if (hit === UNCACHED || valueCacheReads() === before) throw new TypeError("the cache did not answer");
        values = hit;
      } else {
        values = [];
        for (const [, v] of ctx.kv(MOD).iterator(prefix, prefixEnd(prefix))) values.push(decode(v));
      }
    } catch (e) {
      if (e instanceof TypeError) throw e;
      return `threw ${(e as Error).message} at ${ctx.gasMeter.consumed}`;
    }
    return `${values.join(",")} gas ${ctx.gasMeter.consumed}`;
  } finally {
    setValueCacheMode(previous);
  }
}

type Op =
  | { kind: "set"; level: number; key: Uint8Array; value: number }
  | { kind: "delete"; level: number; key: Uint8Array }
  | { kind: "write"; level: number }
  | { kind: "clear"; level: number }
  | { kind: "commit" }
  | { kind: "scan"; level: number; prefix: number; limit: number | undefined };

const level = fc.nat({ max: 2 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant("set" as const), level, key: keyArb, value: fc.nat({ max: 255 }) }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant("delete" as const), level, key: keyArb }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("write" as const), level: fc.integer({ min: 1, max: 2 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("clear" as const), level }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("commit" as const) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant("scan" as const),
      level,
      prefix: fc.nat({ max: PREFIXES.length - 1 }),
      limit: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    }),
    weight: 4,
  },
);

test("cached scans answer what the store's scan answers, with the same gas and out-of-gas point, in every branch", async (t) => {
  await assertAsyncProperty(
    t,
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), async (ops) => {
      const db = createMemoryDatabase();
      const state = await openStateStore({ db, keepRecent: 0 });
      const working = state.working as Branch;
      let version = 0;
      // levels: 0 the block's state (the cache's anchor), 1 a tx's branch, 2 a message's inside it.
      let tx = branchStore(working);
      let msg = branchStore(tx);
      const at = (l: number): Branch => (l === 0 ? working : l === 1 ? tx : msg);
      for (const op of ops) {
        switch (op.kind) {
          case "set":
            ctxOn(at(op.level)).kv(MOD).set(op.key, Uint8Array.of(op.value, op.key.length));
            break;
          case "delete":
            ctxOn(at(op.level)).kv(MOD).delete(op.key);
            break;
          case "write":
            at(op.level).write();
            break;
          case "clear":
            at(op.level).clear();
            break;
          case "commit":
            tx = branchStore(working);
            msg = branchStore(tx);
            state.commit(db.batch(), ++version);
            break;
          case "scan": {
            const store = at(op.level);
            const prefix = PREFIXES[op.prefix]!;
            const limit = op.limit === undefined ? undefined : BigInt(op.limit);
            if (scan(store, prefix, "on", limit) !== scan(store, prefix, "off", limit)) return false;
          }
        }
      }
      return true;
    }),
    { numRuns: 300 },
  );
});

test("values handed out by a cached scan are decoded once and changes under the prefix edit the cached list", async (t) => {
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const working = state.working as Branch;
  const kv = ctxOn(working).kv(MOD);
  kv.set(Uint8Array.of(5, 0, 1), Uint8Array.of(1));
  kv.set(Uint8Array.of(5, 0, 3), Uint8Array.of(3));
  state.commit(db.batch(), 1);
  let decodes = 0;
  const counted = (b: Uint8Array) => {
    decodes++;
    return b[0]!;
  };
  const read = () =>
    cachedScan(
      ctxOn(working),
      moduleStorePrefixS(MOD) + keyString(Uint8Array.of(5, 0)),
      moduleStorePrefixS(MOD) + keyString(Uint8Array.of(5, 1)),
      counted,
    );
  t.deepEqual(read(), [1, 3]);
  t.deepEqual(read(), [1, 3]);
  t.is(decodes, 2, "each stored value decoded once");
  kv.set(Uint8Array.of(5, 0, 2), Uint8Array.of(2));
  kv.delete(Uint8Array.of(5, 0, 1));
  kv.set(Uint8Array.of(5, 1), Uint8Array.of(9)); // the next prefix: not in this scan
  t.deepEqual(read(), [2, 3]);
  t.is(decodes, 3, "only the new value decoded");
});
