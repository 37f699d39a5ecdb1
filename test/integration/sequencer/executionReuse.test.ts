/**
 * Block execution reused from the sequencer's speculative execution (chain/runtime/speculative.ts):
 * a block that commits exactly as the sequencer executed it is not executed again, and a
 * pipelined block whose parent committed so, and whose txs read nothing the real
 * begin-block writes differently from the predicted one, is not re-executed when re-based. Each case runs beside a second app
 * that executes every block itself: the two must agree on every result, event and app hash,
 * and any difference in what the block is must make the sequencer's app execute it.
 */
import test, { type ExecutionContext } from "ava";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { resultsHash } from "../../../chain/consensus/encoding.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import type { SpeculativeBlockRequest } from "../../../chain/runtime/speculative.js";
import type { FinalizeBlockRequest, FinalizeBlockResponse, Timestamp } from "../../../chain/types/abci.js";
import { account, signTx, type TestAccount } from "../../unit/runtime/fixture.js";
import { missedBlocks, readSigningInfoOn, validatorVote } from "./fixture.js";
import {
  createTradingFixture,
  deposit,
  emptyBlock,
  GENESIS_SECONDS,
  orderSpec,
  place,
  sendBlock,
  type TradingFixture,
} from "../trading/fixture.js";

const PROPOSER = new Uint8Array(20).fill(7);
const TRADERS = 4;

interface Pair {
  /** The sequencer's app (it executes speculatively) and a validator's (it only executes blocks). */
  seq: TradingFixture;
  val: TradingFixture;
  traders: TestAccount[];
  sequences: Map<string, bigint>;
}

/** Two apps on one chain; with `validator`, the feeder is its one bonded validator (VALIDATOR). */
async function pair(validator = false): Promise<Pair> {
  const make = async () => {
    const f = await createTradingFixture({ accounts: TRADERS + 1, checkpoints: validator });
    const traders = f.accounts.slice(0, TRADERS);
    await sendBlock(
      f,
      traders.map((a) => ({ signer: a, msgs: [deposit(a.address, 1_000_000n)] })),
    );
    return f;
  };
  const seq = await make();
  const val = await make();
  const traders = seq.accounts.slice(0, TRADERS);
  const sequences = new Map<string, bigint>();
  for (const a of traders) sequences.set(a.address, (await account(seq, a.address))!.sequence);
  return { seq, val, traders, sequences };
}

function sign(p: Pair, trader: number, msgs: EncodeObject[]): Promise<Uint8Array> {
  const a = p.traders[trader]!;
  const sequence = p.sequences.get(a.address)!;
  p.sequences.set(a.address, sequence + 1n);
  return signTx(a, { sequence, msgs, fee: { amount: [{ denom: "ustrike", amount: "100000" }], gas: 4_000_000 } });
}

/** Orders that cross (so fills, positions and fees move) and a deposit. */
async function someTxs(p: Pair): Promise<Uint8Array[]> {
  const a = p.traders[0]!.address;
  const b = p.traders[1]!.address;
  return [
    await sign(p, 0, [place(a, orderSpec("ETH-PERP", "sell", "2", "3000"))]),
    await sign(p, 1, [place(b, orderSpec("ETH-PERP", "buy", "1", "3001"))]),
    await sign(p, 2, [deposit(p.traders[2]!.address, 5n)]),
    await sign(p, 1, [place(b, orderSpec("ETH-PERP", "buy", "1", "3000"))]),
  ];
}

const timeAt = (f: TradingFixture, extraNanos = 0): Timestamp => ({
  seconds: GENESIS_SECONDS + f.height + 1n + f.timeOffset,
  nanos: extraNanos,
});

function request(f: TradingFixture, lastResultsHash?: Uint8Array): SpeculativeBlockRequest {
  const height = f.height + 1n;
  return {
    height,
    time: timeAt(f),
    misbehavior: [],
    decidedLastCommit: { votes: [] },
    proposerAddress: PROPOSER,
    ...(lastResultsHash === undefined ? {} : { lastResultsHash }),
    lastBlockHash: sha256(new Uint8Array([Number(height % 256n)])),
  };
}

async function commit(
  f: TradingFixture,
  txs: Uint8Array[],
  req: SpeculativeBlockRequest,
): Promise<FinalizeBlockResponse> {
  const finalize: FinalizeBlockRequest = {
    txs,
    height: req.height,
    time: req.time,
    hash: new Uint8Array(32),
    proposerAddress: req.proposerAddress ?? new Uint8Array(20),
    misbehavior: req.misbehavior,
    decidedLastCommit: req.decidedLastCommit,
    ...(req.lastResultsHash === undefined ? {} : { lastResultsHash: req.lastResultsHash }),
    ...(req.lastBlockHash === undefined ? {} : { lastBlockHash: req.lastBlockHash }),
  };
  const res = f.app.finalizeBlock(finalize);
  const batch = f.db.batch();
  f.app.commit(batch);
  await batch.write();
  f.height = req.height;
  return res;
}

/** Both apps commit the block; their answers must be the same in every field. */
async function commitBoth(t: ExecutionContext, p: Pair, txs: Uint8Array[], req: SpeculativeBlockRequest) {
  const a = await commit(p.seq, txs, req);
  const b = await commit(p.val, txs, req);
  t.deepEqual(a.appHash, b.appHash, `app hash at ${req.height}`);
  t.deepEqual(a.txResults, b.txResults);
  t.deepEqual(a.events, b.events);
  t.deepEqual(a.validatorUpdates, b.validatorUpdates);
  return a;
}

const fills = (r: FinalizeBlockResponse): number =>
  r.txResults.flatMap((x) => x.events).filter((e) => e.type === "trade").length;

/** Empty blocks on both until the next height's begin-block records no checkpoint (interval 10). */
async function awayFromCheckpoint(p: Pair): Promise<void> {
  while (p.seq.height % 10n === 0n || (p.seq.height + 1n) % 10n === 0n) {
    await emptyBlock(p.seq);
    await emptyBlock(p.val);
  }
}

test("a block that commits exactly as the sequencer executed it is not executed again, with the same results and app hash", async (t) => {
  const p = await pair();
  for (let i = 0; i < 3; i++) {
    const req = request(p.seq);
    const spec = p.seq.app.openSpeculativeBlock(req);
    const txs = await someTxs(p);
    for (const tx of txs) t.true(spec.execute(tx).kept);
    const res = await commitBoth(t, p, txs, req);
    t.true(
      res.txResults.every((r) => r.code === 0),
      JSON.stringify(res.txResults.map((r) => r.log)),
    );
    t.true(fills(res) > 0, "the block trades");
    t.true(spec.closed, "a reused block takes no more txs");
  }
  t.is(p.seq.app.reuse.finalizeReused, 3);
  t.is(p.val.app.reuse.finalizeReused, 0);
  // Blocks after the reused ones execute on the state they left, alike on both.
  await awayFromCheckpoint(p);
  const txs = await someTxs(p);
  await commitBoth(t, p, txs, request(p.seq));
});

test("any difference between the executed block and the committed one makes finalize execute the block", async (t) => {
  const p = await pair();
  const variants: [
    string,
    (req: SpeculativeBlockRequest, txs: Uint8Array[]) => [SpeculativeBlockRequest, Uint8Array[]],
  ][] = [
    ["a tx fewer", (req, txs) => [req, txs.slice(0, -1)]],
    ["two txs swapped", (req, txs) => [req, [txs[1]!, txs[0]!, ...txs.slice(2)]]],
    ["time 1 ns later", (req, txs) => [{ ...req, time: { ...req.time, nanos: req.time.nanos + 1 } }, txs]],
    ["another proposer", (req, txs) => [{ ...req, proposerAddress: new Uint8Array(20).fill(8) }, txs]],
    ["another previous block hash", (req, txs) => [{ ...req, lastBlockHash: new Uint8Array(32).fill(1) }, txs]],
    ["another previous results hash", (req, txs) => [{ ...req, lastResultsHash: new Uint8Array(32).fill(2) }, txs]],
  ];
  for (const [name, vary] of variants) {
    const req = request(p.seq);
    const spec = p.seq.app.openSpeculativeBlock(req);
    const txs = await someTxs(p);
    for (const tx of txs) spec.execute(tx);
    const executed = p.seq.app.reuse.finalizeExecuted;
    const [realReq, realTxs] = vary(req, txs);
    const res = await commitBoth(t, p, realTxs, realReq);
    t.is(p.seq.app.reuse.finalizeExecuted, executed + 1, name);
    t.true(res.txResults.length === realTxs.length, name);
    // The txs left out are signed again next time with fresh sequences; start from the chain's.
    for (const a of p.traders) p.sequences.set(a.address, (await account(p.seq, a.address))!.sequence);
  }
  t.is(p.seq.app.reuse.finalizeReused, 0);
});

/**
 * A parent block executed speculatively and closed, and its child opened on it with a
 * predicted begin-block (the same votes, no evidence, no block hash yet), txs executed in both.
 */
async function pipelined(p: Pair) {
  const req = request(p.seq);
  const parent = p.seq.app.openSpeculativeBlock(req);
  const parentTxs = await someTxs(p);
  const parentResults = parentTxs.map((tx) => parent.execute(tx).result);
  parent.close();
  const predicted: SpeculativeBlockRequest = {
    height: req.height + 1n,
    time: { seconds: req.time.seconds + 1n, nanos: 0 },
    misbehavior: [],
    decidedLastCommit: req.decidedLastCommit,
    proposerAddress: PROPOSER,
    lastResultsHash: resultsHash(parentResults),
  };
  const child = parent.openNext(predicted);
  const childTxs = await someTxs(p);
  const childResults = childTxs.map((tx) => child.execute(tx).result);
  return { req, parentTxs, predicted, child, childTxs, childResults };
}

test("a pipelined block is re-based without executing its txs again when its parent committed as executed and its begin-block is as predicted", async (t) => {
  const p = await pair();
  await awayFromCheckpoint(p);
  const { req, parentTxs, predicted, child, childTxs, childResults } = await pipelined(p);
  const parentRes = await commitBoth(t, p, parentTxs, req);
  t.is(p.seq.app.reuse.finalizeReused, 1);

  const real: SpeculativeBlockRequest = { ...request(p.seq, resultsHash(parentRes.txResults)), time: predicted.time };
  const moved = p.seq.app.rebaseSpeculativeBlock(child, real);
  t.truthy(moved, "re-based without executing");
  t.is(p.seq.app.reuse.rebaseReused, 1);
  t.true(child.closed, "the pipelined block is replaced by its re-based self");
  // The re-based block takes more txs on the committed state, then commits as executed.
  const more = await sign(p, 3, [deposit(p.traders[3]!.address, 7n)]);
  t.true(moved!.execute(more).kept);
  const res = await commitBoth(t, p, [...childTxs, more], real);
  t.is(p.seq.app.reuse.finalizeReused, 2);
  t.deepEqual(res.txResults.slice(0, childTxs.length), childResults, "the results receipted on the prediction");
  t.true(fills(res) > 0);
});

test("a pipelined block is re-based without executing its txs when the real begin-block differs only where they never read, and agrees with a validator's execution", async (t) => {
  const p = await pair();
  await awayFromCheckpoint(p);
  // The real header's results hash is not the predicted one: begin-block records another
  // root in the receipts window, which no trade reads.
  {
    const { req, parentTxs, predicted, child, childTxs, childResults } = await pipelined(p);
    await commitBoth(t, p, parentTxs, req);
    const real = { ...request(p.seq, new Uint8Array(32).fill(9)), time: predicted.time };
    const moved = p.seq.app.rebaseSpeculativeBlock(child, real);
    t.truthy(moved, "re-based without executing");
    const res = await commitBoth(t, p, childTxs, real);
    t.deepEqual(res.txResults, childResults, "the results receipted on the prediction");
    t.true(fills(res) > 0);
  }
  // The next begin-block records a checkpoint, which needs the app hash the prediction had not.
  while ((p.seq.height + 1n) % 10n !== 0n) {
    await emptyBlock(p.seq);
    await emptyBlock(p.val);
  }
  {
    const { req, parentTxs, predicted, child, childTxs, childResults } = await pipelined(p);
    const parentRes = await commitBoth(t, p, parentTxs, req);
    const real = { ...request(p.seq, resultsHash(parentRes.txResults)), time: predicted.time };
    const moved = p.seq.app.rebaseSpeculativeBlock(child, real);
    t.truthy(moved, "re-based at a checkpoint height");
    const res = await commitBoth(t, p, childTxs, real);
    t.true(
      res.events.some((e) => e.type === "checkpoint"),
      "the real begin-block recorded the checkpoint",
    );
    t.deepEqual(res.txResults, childResults);
  }
  t.is(p.seq.app.reuse.rebaseReused, 2);
  t.is(p.seq.app.reuse.rebaseRefused, 0);
});

test("a pipelined block is executed again when its parent was executed rather than reused", async (t) => {
  const p = await pair();
  await awayFromCheckpoint(p);
  const { req, parentTxs, predicted, child, childTxs } = await pipelined(p);
  // The parent committed under another time: executed, so its changes are not known to be the executed ones.
  const parentRes = await commitBoth(t, p, parentTxs, { ...req, time: { ...req.time, nanos: 5 } });
  const real = { ...request(p.seq, resultsHash(parentRes.txResults)), time: predicted.time };
  t.is(p.seq.app.rebaseSpeculativeBlock(child, real), undefined);
  await commitBoth(t, p, childTxs, real);
  t.is(p.seq.app.reuse.rebaseRefused, 1);
  t.is(p.seq.app.reuse.rebaseReused, 0);
});

test("a block opened on committed state moves under a last commit grown by a late precommit without executing its txs again, and agrees with a validator's execution", async (t) => {
  const p = await pair(true);
  // The decision was made without the validator's precommit; it arrived before the proposal.
  const req: SpeculativeBlockRequest = { ...request(p.seq), decidedLastCommit: validatorVote(false) };
  const spec = p.seq.app.openSpeculativeBlock(req);
  const txs = await someTxs(p);
  const results = txs.map((tx) => spec.execute(tx).result);
  const grown: SpeculativeBlockRequest = { ...req, decidedLastCommit: validatorVote(true) };
  const moved = p.seq.app.rebaseSpeculativeBlock(spec, grown);
  t.truthy(moved, "moved without executing");
  t.true(spec.closed, "the old block takes no more txs");
  // It takes more txs, and moves again when its last commit changes once more.
  const more = await sign(p, 3, [deposit(p.traders[3]!.address, 7n)]);
  t.true(moved!.execute(more).kept);
  const back = p.seq.app.rebaseSpeculativeBlock(moved!, req);
  t.truthy(back, "moved a second time, its first txs' reads still known");
  const again = p.seq.app.rebaseSpeculativeBlock(back!, grown);
  t.truthy(again);
  const res = await commitBoth(t, p, [...txs, more], grown);
  t.is(p.seq.app.reuse.finalizeReused, 1, "finalize reused the moved block");
  t.is(p.seq.app.reuse.rebaseReused, 3);
  t.deepEqual(res.txResults.slice(0, txs.length), results, "the results receipted before the move");
  t.true(fills(res) > 0, "the block trades");
  t.is(await missedBlocks(p.seq), 0n, "the validator signed: nothing missed");
  t.is(await missedBlocks(p.val), 0n);

  // Under the last commit it opened with, the same validator would have missed the block.
  const next: SpeculativeBlockRequest = { ...request(p.seq), decidedLastCommit: validatorVote(false) };
  await commitBoth(t, p, [], next);
  t.is(await missedBlocks(p.seq), 1n);
});

test("a block whose txs read the liveness record the late precommit changes is not moved: it keeps the last commit it opened with", async (t) => {
  const p = await pair(true);
  const req: SpeculativeBlockRequest = { ...request(p.seq), decidedLastCommit: validatorVote(false) };
  const spec = p.seq.app.openSpeculativeBlock(req);
  const txs = await someTxs(p);
  for (const tx of txs) t.true(spec.execute(tx).kept);
  // A trader's query on the speculative state read the validator's signing info.
  await readSigningInfoOn((path, data) => spec.query(path, data));
  t.is(p.seq.app.rebaseSpeculativeBlock(spec, { ...req, decidedLastCommit: validatorVote(true) }), undefined);
  t.is(p.seq.app.reuse.rebaseRefused, 1);
  t.false(spec.closed, "the block stays as it was");
  await commitBoth(t, p, txs, req);
  t.is(p.seq.app.reuse.finalizeReused, 1);
  t.is(await missedBlocks(p.seq), 1n);
});

test("a block opened on committed state is not moved once another block has committed under it", async (t) => {
  const p = await pair(true);
  const req: SpeculativeBlockRequest = { ...request(p.seq), decidedLastCommit: validatorVote(false) };
  const spec = p.seq.app.openSpeculativeBlock(req);
  for (const tx of await someTxs(p)) spec.execute(tx);
  // Another proposer's block committed this height: the block's state is gone.
  for (const a of p.traders) p.sequences.set(a.address, (await account(p.seq, a.address))!.sequence);
  await commitBoth(t, p, [], req);
  t.is(p.seq.app.rebaseSpeculativeBlock(spec, { ...req, decidedLastCommit: validatorVote(true) }), undefined);
});
