/**
 * Re-basing a pipelined block (chain/runtime/speculative.ts) when the real begin-block
 * differs from the predicted one: its txs are kept without running again only when none of
 * them read or wrote a key the two begin-blocks left different. A probe module's begin-block
 * pays an account when the header's results hash is a given value, and records that hash
 * where no tx reads it. Every block also runs on a second app that executes it itself: the
 * two must agree on every result and app hash, whichever way the re-base went.
 */
import test, { type ExecutionContext } from "ava";
import { createBaseApp, type StrikeApp } from "../../../chain/runtime/app.js";
import { parseDecCoins } from "../../../chain/runtime/coins.js";
import type { AppModule } from "../../../chain/runtime/types.js";
import type { SpeculativeBlockRequest } from "../../../chain/runtime/speculative.js";
import { AccessLog, branchStore } from "../../../chain/store/branch.js";
import { MemoryKV } from "../../../chain/store/memoryKv.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { openStateStore } from "../../../chain/store/stateStore.js";
import type { Database } from "../../../chain/store/types.js";
import type { FinalizeBlockResponse, TxResult } from "../../../chain/types/abci.js";
import { utf8 } from "../../../chain/types/bytes.js";
import { createAccountKeeper, createAuthModule, type Account } from "../../../modules/auth/index.js";
import { createBankKeeper, createBankModule } from "../../../modules/bank/index.js";
import { resultsHash } from "../../../chain/consensus/encoding.js";
import { genesisAppState, initChainRequest, sendMsg, signTx, testAccount, type TestAccount } from "./fixture.js";

/** The results hash at which the probe's begin-block pays PAYEE from the faucet. */
const PAY = new Uint8Array(32).fill(0xab);
const PROPOSER = new Uint8Array(20).fill(3);
const FEE = { amount: [{ denom: "ustrike", amount: "5000" }], gas: 200_000 };

interface Node {
  app: StrikeApp;
  db: Database;
  height: bigint;
}

/** Accounts: 0 faucet, 1 payee, 2 and 3 traders who never touch them. */
async function node(accounts: TestAccount[]): Promise<Node> {
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const auth = createAccountKeeper({ moduleAccounts: { fee_collector: [] } });
  const bank = createBankKeeper(auth);
  const probe: AppModule = {
    name: "probe",
    beginBlock(ctx) {
      const results = ctx.block.comet?.lastResultsHash;
      if (results === undefined) return;
      ctx.kv("probe").set(utf8("last_results"), results);
      if (results.every((b, i) => b === PAY[i]))
        bank.sendCoins(ctx, accounts[0]!.address, accounts[1]!.address, [{ denom: "ustrike", amount: 777n }]);
    },
  };
  const app = createBaseApp({
    state,
    modules: [createAuthModule(auth, ["fee_collector"]), createBankModule(bank), probe],
    accounts: {
      getAccount: (ctx, a) => auth.getAccount(ctx, a),
      setAccount: (ctx, a) => auth.setAccount(ctx, a as Account),
      params: (ctx) => auth.params(ctx),
    },
    bank,
    feeCollector: "fee_collector",
    minGasPrices: parseDecCoins("0.025ustrike"),
  });
  app.initChain(initChainRequest(genesisAppState(accounts)));
  return { app, db, height: 0n };
}

function request(height: bigint, lastResultsHash?: Uint8Array): SpeculativeBlockRequest {
  return {
    height,
    time: { seconds: 1_700_000_000n + height, nanos: 0 },
    misbehavior: [],
    decidedLastCommit: { votes: [] },
    proposerAddress: PROPOSER,
    ...(lastResultsHash === undefined ? {} : { lastResultsHash }),
  };
}

async function commit(n: Node, txs: Uint8Array[], req: SpeculativeBlockRequest): Promise<FinalizeBlockResponse> {
  const res = n.app.finalizeBlock({
    txs,
    height: req.height,
    time: req.time,
    hash: new Uint8Array(32),
    proposerAddress: req.proposerAddress!,
    misbehavior: [],
    decidedLastCommit: req.decidedLastCommit,
    ...(req.lastResultsHash === undefined ? {} : { lastResultsHash: req.lastResultsHash }),
  });
  const batch = n.db.batch();
  n.app.commit(batch);
  await batch.write();
  n.height = req.height;
  return res;
}

interface Pair {
  seq: Node;
  val: Node;
  accounts: TestAccount[];
  sequences: bigint[];
}

async function pair(): Promise<Pair> {
  const accounts: TestAccount[] = [];
  for (let i = 0; i < 4; i++) accounts.push(await testAccount(100 + i, BigInt(i)));
  const seq = await node(accounts);
  const val = await node(accounts);
  // The first block commits genesis; speculation starts on a committed state.
  for (const n of [seq, val]) await commit(n, [], request(1n));
  return { seq, val, accounts, sequences: [0n, 0n, 0n, 0n] };
}

function send(p: Pair, from: number, to: number, amount: bigint): Promise<Uint8Array> {
  const sequence = p.sequences[from]!;
  p.sequences[from] = sequence + 1n;
  return signTx(p.accounts[from]!, {
    sequence,
    fee: FEE,
    msgs: [sendMsg(p.accounts[from]!.address, p.accounts[to]!.address, [{ denom: "ustrike", amount: `${amount}` }])],
  });
}

async function commitBoth(t: ExecutionContext, p: Pair, txs: Uint8Array[], req: SpeculativeBlockRequest) {
  const a = await commit(p.seq, txs, req);
  const b = await commit(p.val, txs, req);
  t.deepEqual(a.appHash, b.appHash, `app hash at ${req.height}`);
  t.deepEqual(a.txResults, b.txResults);
  t.deepEqual(a.events, b.events);
  return a;
}

/**
 * A parent block executed by the sequencer and closed, a child opened on it with the
 * predicted begin-block (results hash of the parent's results) and `childTxs` executed
 * there; then the parent commits as executed and the child is re-based on `realResults`.
 */
async function rebaseWith(
  t: ExecutionContext,
  p: Pair,
  childTxs: (p: Pair) => Promise<Uint8Array[]>,
  realResults: Uint8Array,
): Promise<{ rebased: boolean; childResults: TxResult[]; res: FinalizeBlockResponse }> {
  const req = request(p.seq.height + 1n, new Uint8Array(32).fill(1));
  const parent = p.seq.app.openSpeculativeBlock(req);
  const parentTxs = [await send(p, 2, 3, 10n)];
  const parentResults = parentTxs.map((tx) => parent.execute(tx).result);
  parent.close();
  const predicted = request(req.height + 1n, resultsHash(parentResults));
  const child = parent.openNext(predicted);
  const txs = await childTxs(p);
  const childResults = txs.map((tx) => child.execute(tx).result);
  t.true(
    childResults.every((r) => r.code === 0),
    "the child's txs succeed",
  );
  const reused = p.seq.app.reuse.finalizeReused;
  await commitBoth(t, p, parentTxs, req);
  t.is(p.seq.app.reuse.finalizeReused, reused + 1, "the parent committed as executed");
  const real = request(predicted.height, realResults);
  const moved = p.seq.app.rebaseSpeculativeBlock(child, real);
  let res: FinalizeBlockResponse;
  if (moved === undefined) {
    // As the sequencer does: execute the txs again on the real opening, then commit.
    const again = p.seq.app.openSpeculativeBlock(real);
    for (const tx of txs) again.execute(tx);
    res = await commitBoth(t, p, txs, real);
  } else {
    res = await commitBoth(t, p, txs, real);
  }
  return { rebased: moved !== undefined, childResults, res };
}

test("a begin-block difference in a key no tx reads keeps the pipelined txs without running them again", async (t) => {
  const p = await pair();
  const traders = async (q: Pair) => [await send(q, 2, 3, 5n), await send(q, 3, 2, 6n)];
  // The probe records another results hash: only probe/last_results differs.
  const a = await rebaseWith(t, p, traders, new Uint8Array(32).fill(9));
  t.true(a.rebased);
  t.deepEqual(a.res.txResults, a.childResults);
  // The probe also pays the payee: the faucet's and payee's balances differ, the traders never read them.
  const b = await rebaseWith(t, p, traders, PAY);
  t.true(b.rebased);
  t.deepEqual(b.res.txResults, b.childResults);
  t.true(
    b.res.events.some((e) => e.type === "transfer" && e.attributes.some((x) => x.value === "777ustrike")),
    "the real begin-block paid",
  );
  t.is(p.seq.app.reuse.rebaseReused, 2);
  t.is(p.seq.app.reuse.rebaseRefused, 0);
});

test("a pipelined tx that reads or writes a key the begin-blocks left different runs again on the real one", async (t) => {
  const p = await pair();
  // The payee spends (reads its balance, pays its fee), is paid (its balance is read and
  // written), and the faucet spends: each depends on what the real begin-block paid.
  const cases: [string, (q: Pair) => Promise<Uint8Array[]>][] = [
    ["the payee spends", async (q) => [await send(q, 2, 3, 5n), await send(q, 1, 3, 5n)]],
    ["the payee is paid", async (q) => [await send(q, 2, 1, 5n)]],
    ["the faucet spends", async (q) => [await send(q, 0, 2, 5n)]],
  ];
  let refused = 0;
  for (const [name, txs] of cases) {
    const r = await rebaseWith(t, p, txs, PAY);
    t.false(r.rebased, name);
    refused++;
    t.is(p.seq.app.reuse.rebaseRefused, refused, name);
  }
  t.is(p.seq.app.reuse.rebaseReused, 0);
});

test("an access log holds every key read or written through its branch and every range scanned", (t) => {
  const base = new MemoryKV();
  const k = (s: string) => utf8(s);
  const keyOf = (b: Uint8Array) => Buffer.from(b).toString("latin1");
  for (const s of ["a", "b", "c", "d", "m", "z"]) base.set(k(s), k(s));
  const block = branchStore(base);
  block.set(k("b"), k("B"));
  const log = block.trackAccess();
  t.is(block.trackAccess(), log, "one log per branch");
  const tx = branchStore(block);
  tx.get(k("a"));
  tx.has(k("c"));
  tx.set(k("q"), k("Q"));
  t.false(log.touches("q"), "a tx's own write is not the block's until written");
  tx.write();
  t.deepEqual(
    [...tx.iterator(k("m"), k("p"))].map(([key]) => keyOf(key)),
    ["m"],
  );
  t.false(block.hasPendingIn("x", "y"));
  t.deepEqual([...block.pendingKeys("e", "f")], []);
  t.is(block.pendingEntry("d"), undefined);
  for (const s of ["a", "c", "q", "d", "m", "n", "o", "x", "xa", "e"]) t.true(log.touches(s), s);
  for (const s of ["b", "p", "f", "z", "y", "l"]) t.false(log.touches(s), s);
  // An open bound covers everything on its side.
  const open = new AccessLog();
  open.addRange(undefined, "c");
  t.true(open.touches(""));
  t.true(open.touches("bz"));
  t.false(open.touches("c"));
  open.addRange("x", undefined);
  t.true(open.touches("zzz"));
});
