/**
 * Accounts are read by the ante up to four times per tx and are answered from the decoded-value
 * cache (chain/runtime/valueCache.ts): the same answer and the same gas as the store read in
 * every branch, and each reader gets its own copy.
 */
import test from "ava";
import { addressToBech32 } from "../../../chain/crypto/address.js";
import type { Context } from "../../../chain/runtime/types.js";
import { blockContextOn, readBothWays } from "../../helpers/valueCacheBothWays.js";
import { branchStore, type Branch } from "../../../chain/store/branch.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { openStateStore } from "../../../chain/store/stateStore.js";
import type { KVStore } from "../../../chain/store/types.js";
import { accounts, type Account } from "../../../modules/auth/state.js";

const ALICE = addressToBech32(new Uint8Array(20).fill(1));
const POOL = addressToBech32(new Uint8Array(20).fill(2));
const NOBODY = addressToBech32(new Uint8Array(20).fill(3));

const ctxOn = (store: KVStore): Context => blockContextOn(store, 2n);

/** The account and the gas its read cost, through the cache (which must answer) and through the store. */
function bothWays(store: KVStore, address: string): { cached: string; plain: string } {
  const read = () => {
    const ctx = ctxOn(store);
    const a = accounts.get(ctx, address);
    return JSON.stringify({
      account:
        a === undefined
          ? null
          : {
              ...a,
              accountNumber: String(a.accountNumber),
              sequence: String(a.sequence),
              pubKey: a.pubKey === undefined ? null : Buffer.from(a.pubKey).toString("hex"),
            },
      gas: String(ctx.gasMeter.consumed),
    });
  };
  return readBothWays(read);
}

async function seeded(): Promise<Branch> {
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const working = state.working as Branch;
  const ctx = ctxOn(working);
  accounts.set(ctx, ALICE, { address: ALICE, pubKey: new Uint8Array(33).fill(2), accountNumber: 7n, sequence: 3n });
  accounts.set(ctx, POOL, {
    address: POOL,
    pubKey: undefined,
    accountNumber: 1n,
    sequence: 0n,
    module: { name: "pool", permissions: ["burner", "minter"] },
  });
  state.commit(db.batch(), 1);
  return working;
}

test("a committed account reads the same, with the same gas, through the cache as through the store; absent ones too", async (t) => {
  const working = await seeded();
  for (const address of [ALICE, POOL, NOBODY]) {
    const { cached, plain } = bothWays(branchStore(working), address);
    t.is(cached, plain, address);
  }
  t.regex(bothWays(branchStore(working), ALICE).cached, /"sequence":"3"/);
});

test("a tx's own write is seen in its branch only until written; a dropped branch never reaches later readers", async (t) => {
  const working = await seeded();
  const tx = branchStore(working);
  const mine = accounts.get(ctxOn(tx), ALICE)!;
  accounts.set(ctxOn(tx), ALICE, { ...mine, sequence: mine.sequence + 1n });
  t.is(accounts.get(ctxOn(tx), ALICE)!.sequence, 4n, "the tx sees its own increment");
  t.is(accounts.get(ctxOn(branchStore(working)), ALICE)!.sequence, 3n, "another tx does not");
  t.is(bothWays(tx, ALICE).cached, bothWays(tx, ALICE).plain);

  const dropped = branchStore(working);
  accounts.set(ctxOn(dropped), ALICE, { ...mine, sequence: 99n });
  dropped.clear();
  t.is(accounts.get(ctxOn(branchStore(working)), ALICE)!.sequence, 3n, "a dropped branch leaves nothing behind");

  tx.write();
  const after = bothWays(branchStore(working), ALICE);
  t.is(after.cached, after.plain);
  t.regex(after.cached, /"sequence":"4"/, "a written branch is seen by every later reader");
});

test("each reader gets its own copy: changing one, its module permissions included, changes nothing the next reader sees", async (t) => {
  const working = await seeded();
  const first: Account = accounts.get(ctxOn(branchStore(working)), POOL)!;
  first.sequence = 42n;
  first.module!.permissions.push("staking");
  const second = accounts.get(ctxOn(branchStore(working)), POOL)!;
  t.is(second.sequence, 0n);
  t.deepEqual(second.module!.permissions, ["burner", "minter"]);
  t.not(first, second);
});
