/**
 * The in-memory book follows the branch it hangs on exactly: a tx branch that is dropped
 * never reaches it, a rolled-back block is undone, a committed block stays, and a cache
 * built later from committed state answers the same. Each answer is compared with the
 * store read (cache off), gas included.
 */
import test, { type ExecutionContext } from "ava";
import { Order, Side, TriggerType } from "../../../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { Context } from "../../../../chain/runtime/types.js";
import { branchStore, type Branch } from "../../../../chain/store/branch.js";
import { createMemoryDatabase } from "../../../../chain/store/memoryDb.js";
import { openStateStore } from "../../../../chain/store/stateStore.js";
import type { KVStore } from "../../../../chain/store/types.js";
import { bookCacheReads, setBookCacheMode } from "../../../../modules/orderbook/bookReads.js";
import { blockContextOn, readBothWays } from "../../../helpers/valueCacheBothWays.js";
import {
  bookOrders,
  countOwnerOrders,
  deleteOrder,
  getOrder,
  saveNewOrder,
  updateRemaining,
} from "../../../../modules/orderbook/state.js";

const OWNER = "strike1qurswpc8qurswpc8qurswpc8qurswpc8c7uyqn";

const ctxOn = (store: KVStore): Context => blockContextOn(store);

function order(id: bigint, side: Side, price: bigint, remaining = 5n): Order {
  return Order.fromPartial({
    id,
    market: "ETH-PERP",
    owner: OWNER,
    subaccount: 0,
    side,
    price,
    size: remaining,
    remaining,
    triggerType: TriggerType.TRIGGER_TYPE_UNSPECIFIED,
  });
}

/** What a context shows of the book, with the gas it paid: through the cache and through the store. */
function bothWays(store: KVStore): { cached: string; plain: string } {
  const read = () => {
    const ctx = ctxOn(store);
    const asks = [...bookOrders(ctx, "ETH-PERP", Side.SIDE_SELL)].map((o) => `${o.id}:${o.price}:${o.remaining}`);
    const bids = [...bookOrders(ctx, "ETH-PERP", Side.SIDE_BUY)].map((o) => `${o.id}:${o.price}:${o.remaining}`);
    const one = getOrder(ctx, "ETH-PERP", 2n)?.remaining;
    const count = countOwnerOrders(ctx, OWNER, 0, "ETH-PERP");
    return JSON.stringify({ asks, bids, one: String(one), count, gas: String(ctx.gasMeter.consumed) });
  };
  return readBothWays(read, { reads: bookCacheReads, setMode: setBookCacheMode });
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
  const ctx = ctxOn(working);
  saveNewOrder(ctx, order(1n, Side.SIDE_SELL, 3000n), true);
  saveNewOrder(ctx, order(2n, Side.SIDE_SELL, 3001n), true);
  saveNewOrder(ctx, order(3n, Side.SIDE_BUY, 2999n), true);
  state.commit(db.batch(), 1);
  return { working, commit: (version) => state.commit(db.batch(), version) };
}

test("a dropped tx branch never reaches the cached book; a written one does", async (t) => {
  const { working } = await seeded();
  const before = sameBothWays(t, working, "committed book");
  const tx = branchStore(working);
  const ctx = ctxOn(tx);
  saveNewOrder(ctx, order(4n, Side.SIDE_SELL, 2999n + 1n), true);
  deleteOrder(ctx, getOrder(ctx, "ETH-PERP", 1n)!);
  updateRemaining(ctx, getOrder(ctx, "ETH-PERP", 2n)!, 2n);
  const inside = sameBothWays(t, tx, "the tx sees its own changes");
  t.not(inside, before);
  t.is(sameBothWays(t, working, "the block does not see them before the tx is written"), before);
  // Dropped: nothing to undo in the cache.
  t.is(sameBothWays(t, branchStore(working), "a new tx after a failed one"), before);
  const again = branchStore(working);
  const ctx2 = ctxOn(again);
  saveNewOrder(ctx2, order(5n, Side.SIDE_BUY, 2990n), true);
  again.write();
  t.not(sameBothWays(t, working, "the written tx is in the block"), before);
});

test("a rolled-back block is undone in the cached book, a committed one stays", async (t) => {
  const { working, commit } = await seeded();
  const committed = sameBothWays(t, working, "committed book");
  const tx = branchStore(working);
  const ctx = ctxOn(tx);
  deleteOrder(ctx, getOrder(ctx, "ETH-PERP", 2n)!);
  saveNewOrder(ctx, order(6n, Side.SIDE_BUY, 2998n), true);
  tx.write();
  const changed = sameBothWays(t, working, "the block's changes");
  t.not(changed, committed);
  working.clear();
  t.is(sameBothWays(t, working, "after the rollback"), committed);
  const tx2 = branchStore(working);
  saveNewOrder(ctxOn(tx2), order(7n, Side.SIDE_SELL, 3005n), true);
  tx2.write();
  const next = sameBothWays(t, working, "a new block");
  commit(2);
  t.is(sameBothWays(t, working, "after the commit"), next);
  t.is(sameBothWays(t, branchStore(branchStore(working)), "from nested branches"), next);
});
