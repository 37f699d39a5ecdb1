/**
 * The decoded-value cache (chain/runtime/valueCache.ts) answers what the store answers in
 * every branch, with the same gas: a tx's own uncommitted change is seen in that tx only, a
 * dropped branch never reaches the cache, a rolled-back block is undone, a committed one
 * stays, and a value handed out is a copy. Each answer is compared with the store read
 * (cache off).
 */
import test, { type ExecutionContext } from "ava";
import { Item } from "../../../chain/runtime/collection.js";
import { createContext } from "../../../chain/runtime/context.js";
import { createGasMeter } from "../../../chain/runtime/gas.js";
import type { Context } from "../../../chain/runtime/types.js";
import { setValueCacheMode, valueCacheReads } from "../../../chain/runtime/valueCache.js";
import { readBothWays } from "../../helpers/valueCacheBothWays.js";
import { branchStore, type Branch } from "../../../chain/store/branch.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { openStateStore } from "../../../chain/store/stateStore.js";
import type { KVStore } from "../../../chain/store/types.js";
import { utf8 } from "../../../chain/types/bytes.js";

interface Terms {
  fee: string;
  limit: bigint;
}

const codec = {
  encode: (v: Terms) => utf8(JSON.stringify({ fee: v.fee, limit: v.limit.toString() })),
  decode: (b: Uint8Array): Terms => {
    const o = JSON.parse(new TextDecoder().decode(b)) as { fee: string; limit: string };
    return { fee: o.fee, limit: BigInt(o.limit) };
  },
};
const terms = new Item<Terms>("mod", utf8("terms"), codec, { copy: (v) => ({ ...v }) });

function ctxOn(store: KVStore, limit?: bigint): Context {
  return createContext({
    block: { chainId: "t", height: 1n, time: { seconds: 1n, nanos: 0 } },
    mode: "finalize",
    store,
    gasMeter: createGasMeter(limit),
  });
}

/** What a context on `store` reads, with the gas it paid: through the cache and through the store. */
function bothWays(store: KVStore): { cached: string; plain: string } {
  const read = () => {
    const ctx = ctxOn(store);
    const v = terms.get(ctx);
    return JSON.stringify({
      fee: v?.fee ?? null,
      limit: v?.limit.toString() ?? null,
      gas: String(ctx.gasMeter.consumed),
    });
  };
  return readBothWays(read);
}

function sameBothWays(t: ExecutionContext, store: KVStore, message: string): string {
  const { cached, plain } = bothWays(store);
  t.is(cached, plain, message);
  return cached;
}

async function seeded(): Promise<{ working: Branch; commit(version: number): void }> {
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const working = state.working as Branch;
  terms.set(ctxOn(working), { fee: "0.001", limit: 5n });
  state.commit(db.batch(), 1);
  return { working, commit: (version) => state.commit(db.batch(), version) };
}

test("a tx's own change is seen in that tx only; a dropped branch never reaches the cache, a written one does", async (t) => {
  const { working } = await seeded();
  t.regex(sameBothWays(t, working, "committed"), /"fee":"0.001"/);
  const tx = branchStore(working);
  terms.set(ctxOn(tx), { fee: "0.002", limit: 6n });
  t.regex(sameBothWays(t, tx, "the tx sees its change"), /"fee":"0.002"/);
  t.regex(sameBothWays(t, working, "the block does not"), /"fee":"0.001"/);
  // A message branch inside the tx, dropped.
  const msg = branchStore(tx);
  terms.set(ctxOn(msg), { fee: "0.003", limit: 7n });
  t.regex(sameBothWays(t, msg, "the message sees its own"), /"fee":"0.003"/);
  msg.clear();
  t.regex(sameBothWays(t, tx, "dropped: the tx's value again"), /"fee":"0.002"/);
  tx.write();
  t.regex(sameBothWays(t, working, "written: the block sees it"), /"fee":"0.002"/);
});

test("a rolled-back block is undone in the cache, a committed one stays", async (t) => {
  const { working, commit } = await seeded();
  sameBothWays(t, working, "cached before the block");
  terms.set(ctxOn(working), { fee: "0.009", limit: 1n });
  t.regex(sameBothWays(t, working, "inside the block"), /"fee":"0.009"/);
  working.clear();
  t.regex(sameBothWays(t, working, "rolled back"), /"fee":"0.001"/);
  terms.set(ctxOn(working), { fee: "0.004", limit: 2n });
  commit(2);
  t.regex(sameBothWays(t, working, "committed"), /"fee":"0.004"/);
});

test("an absent value reads as absent with the store's gas, and a later write is seen", async (t) => {
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const working = state.working as Branch;
  t.regex(sameBothWays(t, working, "absent"), /"fee":null/);
  terms.set(ctxOn(working), { fee: "0.005", limit: 3n });
  t.regex(sameBothWays(t, working, "written after an absent read"), /"fee":"0.005"/);
});

test("a value handed out is a copy: changing it changes nothing the next reader sees", async (t) => {
  const { working } = await seeded();
  const first = terms.get(ctxOn(working))!;
  first.fee = "999";
  first.limit = 0n;
  t.deepEqual(terms.get(ctxOn(working)), { fee: "0.001", limit: 5n });
});

test("a read that runs out of gas fails where the store read would", async (t) => {
  const { working } = await seeded();
  const outOfGas = (mode: "on" | "off") => {
    const previous = setValueCacheMode(mode);
    try {
      const ctx = ctxOn(working, 1_050n);
      const e = t.throws(() => terms.get(ctx));
      return `${e?.message} ${ctx.gasMeter.consumed}`;
    } finally {
      setValueCacheMode(previous);
    }
  };
  t.is(outOfGas("on"), outOfGas("off"));
});

test("a context on a bare store (queries, genesis) reads the store", (t) => {
  const bare: KVStore = {
    get: () => codec.encode({ fee: "0.007", limit: 4n }),
    has: () => true,
    set: () => {},
    delete: () => {},
    iterator: function* () {},
  };
  const before = valueCacheReads();
  t.deepEqual(terms.get(ctxOn(bare)), { fee: "0.007", limit: 4n });
  t.is(valueCacheReads(), before, "not answered from memory");
});
