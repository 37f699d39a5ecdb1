/**
 * Pipelined sequencing on the in-process app, driven as the consensus driver drives it:
 * height H is sealed (proposed) and, while it is "in consensus", new orders arrive and get
 * their receipts at once for H+1, executed on H's speculative state. Over many blocks and
 * epochs (some ours, some another proposer's, some of our proposals failing so that
 * another proposer's block commits instead), every receipt whose height commits with our
 * block is honoured exactly; every other one is reverted, never broken; no tx is executed
 * twice; and two independent apps agree on every app hash.
 */
import test from "ava";
import fc from "fast-check";
import type { SealedBlock } from "../../../chain/consensus/types.js";
import { createEd25519Signer, ed25519Address } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { resultsHash } from "../../../chain/consensus/encoding.js";
import { createMempool } from "../../../chain/mempool/mempool.js";
import { ReceiptStatus } from "../../../chain/sequencer/receipt.js";
import { honours, type StoredReceipt } from "../../../chain/sequencer/receiptStore.js";
import type { Timestamp } from "../../../chain/types/abci.js";
import { equalBytes, toHex } from "../../../chain/types/bytes.js";
import { account, sendMsg, signTx } from "../../unit/runtime/fixture.js";
import { assertAsyncProperty } from "../../helpers/property.js";
import { GENESIS_SECONDS, orderSpec, place, type TradingFixture } from "../trading/fixture.js";
import { fundedTraders, sequencerOn } from "./fixture.js";

const key = createEd25519Signer(new Uint8Array(32).fill(5));
const SEQUENCER = ed25519Address(key.publicKey);
const OTHER = new Uint8Array(20).fill(0xee);
const TRADERS = 6;
const EPOCH_LENGTH = 3n;

interface Order {
  trader: number;
  buy: boolean;
  offset: number;
  size: number;
}

interface Height {
  /** Orders arriving while the height is open for sequencing, while it is in consensus, and once it has committed (before the next height opens). */
  open: Order[];
  inConsensus: Order[];
  afterCommit: Order[];
  /** Our round-0 proposal fails: another proposer's block commits (the epoch ends at once). */
  fails: boolean;
  /** After an epoch ends, whether the next one is ours. */
  nextEpochOurs: boolean;
  /** The other proposer's block holds the mempool's txs (else it is empty). */
  otherTakesMempool: boolean;
  /**
   * Below TRADERS: the other proposer's block starts with a tx of that trader that our mempool
   * does not hold, at its next committed sequence: the trader's txs in the mempool then fail
   * their re-check.
   */
  intruder: number;
}

const order = fc.record({
  trader: fc.integer({ min: 0, max: TRADERS - 1 }),
  buy: fc.boolean(),
  offset: fc.integer({ min: -2, max: 2 }),
  size: fc.integer({ min: 1, max: 3 }),
});
const height: fc.Arbitrary<Height> = fc.record({
  open: fc.array(order, { maxLength: 5 }),
  inConsensus: fc.array(order, { maxLength: 6 }),
  afterCommit: fc.array(order, { maxLength: 4 }),
  fails: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  nextEpochOurs: fc.boolean(),
  otherTakesMempool: fc.boolean(),
  intruder: fc.integer({ min: 0, max: 3 * TRADERS }),
});

const funded = () => fundedTraders(TRADERS);

/** The previous block's hash as a header would carry it (any fixed function of the height does here). */
const lastBlockHashAt = (h: bigint): Uint8Array => sha256(new Uint8Array([Number(h % 256n)]));

async function commitBlock(
  f: TradingFixture,
  txs: Uint8Array[],
  h: bigint,
  time: Timestamp,
  proposer: Uint8Array,
  lastResultsHash: Uint8Array | undefined,
) {
  const res = f.app.finalizeBlock({
    txs,
    height: h,
    time,
    hash: new Uint8Array(32),
    proposerAddress: proposer,
    misbehavior: [],
    decidedLastCommit: { votes: [] },
    ...(lastResultsHash === undefined ? {} : { lastResultsHash }),
    lastBlockHash: lastBlockHashAt(h),
  });
  const batch = f.db.batch();
  f.app.commit(batch);
  await batch.write();
  f.height = h;
  return res;
}

const ms = (t: Timestamp): number => Number(t.seconds) * 1000 + Math.floor(t.nanos / 1_000_000);

test("every receipt, pipelined ones included, is honoured by its block or reverted with it, over many blocks and epochs", async (t) => {
  const totals = {
    receipts: 0,
    pipelined: 0,
    afterCommit: 0,
    pipelinedHonoured: 0,
    reverted: 0,
    abstained: 0,
    failures: 0,
    intrusions: 0,
  };
  const reuse = {
    finalizeReused: 0,
    finalizeExecuted: 0,
    rebaseReused: 0,
    rebaseRefused: 0,
    validatorReused: 0,
    recheckReplayed: 0,
  };
  await assertAsyncProperty(
    t,
    fc.asyncProperty(fc.array(height, { minLength: 18, maxLength: 30 }), async (heights) => {
      const { f, traders } = await funded();
      // The validator's app also keeps a mempool of every tx our sequencer admits, CheckTx
      // first and re-checked by running each ante again: our sequencer's mempool, which
      // re-checks from what each ante read (pipelined txs: on the speculative state;
      // chain/runtime/anteReplay.ts), must admit and keep exactly what it does.
      const validator = await fundedTraders(TRADERS, { replayRechecks: false });
      const validatorPool = createMempool({
        app: validator.f.app,
        maxTxs: 10_000,
        maxBytes: 1 << 26,
        maxTxBytes: 1 << 20,
      });
      /** Whether both admitted `tx`; undefined when one did and the other did not. */
      const admitBoth = (tx: Uint8Array): boolean | undefined => {
        const ours = admit.checkAndAdd(tx).code === 0;
        return ours === (validatorPool.checkAndAdd(tx).code === 0) ? ours : undefined;
      };
      let nowMs = Number(GENESIS_SECONDS + f.height) * 1000;
      // The epoch schedule as the driver sees it: [start, start + EPOCH_LENGTH), ours or not.
      let epoch = { n: 0n, start: f.height + 1n, ours: true };
      const { receipts, mempool, sequencer, admit } = sequencerOn(f, {
        signer: key,
        epoch: () => epoch.n,
        now: () => nowMs,
        mayPipeline: (h) => epoch.ours && h < epoch.start + EPOCH_LENGTH,
      });
      const sequences = new Map<string, bigint>();
      for (const a of traders) sequences.set(a.address, (await account(f, a.address))!.sequence);
      /** The trader of each tx signed (hex hash). */
      const traderOf = new Map<string, string>();
      const sign = async (o: Order) => {
        const trader = traders[o.trader]!;
        const next = sequences.get(trader.address)!;
        sequences.set(trader.address, next + 1n);
        const spec = orderSpec("ETH-PERP", o.buy ? "buy" : "sell", String(o.size), String(3000 + o.offset));
        const tx = await signTx(trader, {
          sequence: next,
          msgs: [place(trader.address, spec)],
          fee: { amount: [{ denom: "ustrike", amount: "100000" }], gas: 4_000_000 },
        });
        traderOf.set(toHex(sha256(tx)), trader.address);
        return tx;
      };
      /** After a commit: each trader's next sequence follows its committed one and its txs still held. */
      const resync = async () => {
        const held = mempool.txs(10_000).map((tx) => traderOf.get(toHex(sha256(tx))));
        for (const a of traders)
          sequences.set(
            a.address,
            (await account(f, a.address))!.sequence + BigInt(held.filter((x) => x === a.address).length),
          );
      };
      const committed = new Set<string>();
      const pipelined = new Set<string>();
      const byHeight = new Map<bigint, StoredReceipt[]>();
      receipts.onChange((r) => {
        if (r.receipt.status !== ReceiptStatus.RECEIPT_STATUS_SEQUENCED) return;
        const list = byHeight.get(r.receipt.height) ?? [];
        if (!list.includes(r)) list.push(r);
        byHeight.set(r.receipt.height, list);
      });
      let lastTime: Timestamp = { seconds: GENESIS_SECONDS + f.height, nanos: 0 };
      let lastResultsHash: Uint8Array | undefined;

      for (const step of heights) {
        const h = f.height + 1n;
        nowMs = Math.max(nowMs + 100, ms(lastTime) + 1);
        const planTime: Timestamp = { seconds: BigInt(Math.floor(nowMs / 1000)), nanos: (nowMs % 1000) * 1_000_000 };
        if (epoch.ours)
          sequencer.openHeight({
            height: h,
            time: planTime,
            proposerAddress: SEQUENCER,
            evidence: [],
            misbehavior: [],
            decidedLastCommit: { votes: [] },
            ...(lastResultsHash === undefined ? {} : { lastResultsHash }),
            lastBlockHash: lastBlockHashAt(h),
          });
        for (const o of step.open) if (admitBoth(await sign(o)) === undefined) return false;
        nowMs += 50;
        const sealed = epoch.ours ? sequencer.sealBlock(h) : undefined;
        if (sealed === "abstain") totals.abstained += 1;
        const pipelining = typeof sealed === "object" && epoch.ours && h + 1n < epoch.start + EPOCH_LENGTH;
        // In consensus: arrivals are receipted at once, for the next height, when pipelining.
        for (const o of step.inConsensus) {
          const tx = await sign(o);
          const admitted = admitBoth(tx);
          if (admitted === undefined) return false;
          if (!admitted) continue;
          const r = receipts.get(sha256(tx));
          if (pipelining) {
            if (r?.receipt.height !== h + 1n) return false;
            if (r.receipt.status === ReceiptStatus.RECEIPT_STATUS_SEQUENCED) {
              totals.pipelined += 1;
              pipelined.add(toHex(r.receipt.txHash));
            }
          } else if (r !== undefined && r.receipt.height <= h) return false;
        }
        const ourBlock = typeof sealed === "object" && !step.fails;
        if (typeof sealed === "object" && step.fails) totals.failures += 1;
        const intruder = traders[step.intruder];
        const intrusion =
          ourBlock || intruder === undefined
            ? []
            : [
                await signTx(intruder, {
                  sequence: (await account(f, intruder.address))!.sequence,
                  msgs: [sendMsg(intruder.address, traders[0]!.address, [{ denom: "ustrike", amount: "7" }])],
                  fee: { amount: [{ denom: "ustrike", amount: "100000" }], gas: 4_000_000 },
                }),
              ];
        if (intrusion.length > 0) totals.intrusions += 1;
        const block: SealedBlock = ourBlock
          ? sealed
          : {
              txs: [...intrusion, ...(step.otherTakesMempool ? mempool.txs(10_000) : [])],
              time: { seconds: planTime.seconds + 1n, nanos: 0 },
              evidence: [],
              decidedLastCommit: { votes: [] },
            };
        if (ms(block.time) <= ms(lastTime)) return false;
        const proposer = ourBlock ? SEQUENCER : OTHER;
        // As a header carries them: our app may answer from its speculative execution when
        // they are what it executed; the validator's app, which sequences nothing, executes.
        const res = await commitBlock(f, block.txs, h, block.time, proposer, lastResultsHash);
        const resV = await commitBlock(validator.f, block.txs, h, block.time, proposer, lastResultsHash);
        if (!equalBytes(res.appHash, resV.appHash)) return false;
        for (const [i, tx] of block.txs.entries()) {
          const k = toHex(sha256(tx));
          // Nothing is executed twice (a second inclusion would fail its ante: code != 0).
          if (committed.has(k) && resV.txResults[i]!.code === 0) return false;
          if (resV.txResults[i]!.code === 0) committed.add(k);
        }
        mempool.update(block.txs);
        validatorPool.update(block.txs);
        const [ours, theirs] = [mempool.txs(10_000), validatorPool.txs(10_000)];
        if (ours.length !== theirs.length || ours.some((tx, i) => !equalBytes(tx, theirs[i]!))) return false;
        receipts.blockCommitted(h, block.txs, res.txResults, nowMs, proposer);
        // Another proposer's block commits in a later round (ours failed in round 0).
        sequencer.committed(h, { txs: block.txs, round: ourBlock ? 0 : 1, time: block.time });
        await resync();
        // Committed, the next height not opened yet: on our block, the pipelined height goes on
        // receipting at once; on another's, nothing is receipted until a height opens.
        for (const o of step.afterCommit) {
          const tx = await sign(o);
          const admitted = admitBoth(tx);
          if (admitted === undefined) return false;
          if (!admitted) continue;
          const r = receipts.get(sha256(tx));
          if (pipelining && ourBlock) {
            if (r?.receipt.height !== h + 1n) return false;
            if (r.receipt.status === ReceiptStatus.RECEIPT_STATUS_SEQUENCED) {
              totals.afterCommit += 1;
              pipelined.add(toHex(r.receipt.txHash));
            }
          } else if (r !== undefined) return false;
        }
        lastTime = block.time;
        lastResultsHash = resultsHash(resV.txResults);
        // Every receipt of this height: honoured and committed with our block, else reverted.
        for (const r of byHeight.get(h) ?? []) {
          const i = r.receipt.index;
          if (ourBlock) {
            if (r.stage !== "committed" || !honours(r.receipt, block.txs[i]!, resV.txResults[i]!)) return false;
            if (pipelined.has(toHex(r.receipt.txHash))) totals.pipelinedHonoured += 1;
          } else {
            if (r.stage !== "reverted") return false;
            totals.reverted += 1;
          }
          totals.receipts += 1;
        }
        byHeight.delete(h);
        // The schedule: a failed height ends the epoch at once; otherwise after EPOCH_LENGTH heights.
        if ((epoch.ours && !ourBlock) || h + 1n >= epoch.start + EPOCH_LENGTH)
          epoch = { n: epoch.n + 1n, start: h + 1n, ours: epoch.ours && !ourBlock ? step.nextEpochOurs : !epoch.ours };
      }
      for (const k of ["finalizeReused", "finalizeExecuted", "rebaseReused", "rebaseRefused"] as const) {
        reuse[k] += f.app.reuse[k];
      }
      reuse.validatorReused += validator.f.app.reuse.finalizeReused;
      reuse.recheckReplayed += f.app.reuse.recheckReplayed;
      return true;
    }),
    { numRuns: 3, seed: 20261203 },
  );
  t.log(JSON.stringify(totals), JSON.stringify(reuse));
  // The app hashes above compare our app's reused blocks with the validator's executed ones:
  // meaningful only if both kinds of reuse happened, and each fell back at times too.
  t.true(reuse.finalizeReused > 20 && reuse.rebaseReused > 10, JSON.stringify(reuse));
  t.true(reuse.finalizeExecuted > 0, JSON.stringify(reuse));
  t.is(reuse.validatorReused, 0);
  // The mempools' agreement above is meaningful only if our re-checks came from records.
  t.true(reuse.recheckReplayed > 20, JSON.stringify(reuse));
  t.true(totals.intrusions > 3, JSON.stringify(totals));
  // Meaningful only if pipelined receipts were signed and kept, and the failure paths ran.
  t.true(totals.pipelined > 30, `pipelined receipts: ${totals.pipelined}`);
  t.true(totals.afterCommit > 10, `receipts between a commit and the next opening: ${totals.afterCommit}`);
  t.true(totals.pipelinedHonoured > 20, `pipelined receipts honoured: ${totals.pipelinedHonoured}`);
  t.true(totals.failures > 2 && totals.reverted > 0 && totals.abstained > 0, JSON.stringify(totals));
});

test("a pipelined height whose receipts would not come true on the real opening is not proposed, and its receipts are reverted", async (t) => {
  const { f, traders } = await funded();
  const { receipts, mempool, sequencer, admit } = sequencerOn(f, {
    signer: key,
    now: () => Number(GENESIS_SECONDS + f.height) * 1000 + 500,
    mayPipeline: () => true,
  });
  const trader = traders[0]!;
  const seq = (await account(f, trader.address))!.sequence;
  const order = (n: bigint) =>
    signTx(trader, {
      sequence: seq + n,
      msgs: [place(trader.address, orderSpec("ETH-PERP", "buy", "1", "2990"))],
      fee: { amount: [{ denom: "ustrike", amount: "100000" }], gas: 4_000_000 },
    });
  const h = f.height + 1n;
  const plan = (height: bigint) => ({
    height,
    time: { seconds: GENESIS_SECONDS + height, nanos: 0 },
    proposerAddress: SEQUENCER,
    evidence: [],
    misbehavior: [],
    decidedLastCommit: { votes: [] },
  });
  sequencer.openHeight(plan(h));
  const first = await order(0n);
  t.is(admit.checkAndAdd(first).code, 0);
  const sealed = sequencer.sealBlock(h);
  t.true(typeof sealed === "object");
  // In consensus: the trader's next order is receipted at once for h+1, on h's speculative state.
  const second = await order(1n);
  t.is(admit.checkAndAdd(second).code, 0);
  t.is(receipts.get(sha256(second))?.receipt.height, h + 1n);
  t.is(receipts.get(sha256(second))?.receipt.status, ReceiptStatus.RECEIPT_STATUS_SEQUENCED);
  // h fails: another proposer commits it empty, so the second order's sequence is now wrong.
  const time = { seconds: GENESIS_SECONDS + h + 1n, nanos: 0 };
  const res = await commitBlock(f, [], h, time, OTHER, undefined);
  mempool.update([]);
  receipts.blockCommitted(h, [], res.txResults, 0, OTHER);
  sequencer.committed(h);
  t.is(receipts.get(sha256(first))?.stage, "reverted");
  // The next epoch is ours again: the pipelined receipt cannot be kept, so h+1 is not proposed.
  sequencer.openHeight(plan(h + 1n));
  t.is(sequencer.sealBlock(h + 1n), "abstain");
  t.is(sequencer.sealBlock(h + 1n), "abstain", "in every round of that height");
  // Another proposer commits h+1 from the mempool: the receipt is reverted, the tx commits once.
  const res2 = await commitBlock(f, [first], h + 1n, { seconds: time.seconds + 1n, nanos: 0 }, OTHER, undefined);
  receipts.blockCommitted(h + 1n, [first], res2.txResults, 0, OTHER);
  mempool.update([first]);
  sequencer.committed(h + 1n);
  t.is(res2.txResults[0]!.code, 0);
  t.is(receipts.get(sha256(second))?.stage, "reverted");
  // Sequencing goes on at the next height, where the second order is receipted again and honoured.
  sequencer.openHeight(plan(h + 2n));
  const again = receipts.get(sha256(second));
  t.is(again?.receipt.height, h + 2n);
  t.is(again?.stage, "sequenced");
});

test("a tx admitted on arrival whose sequence another proposer's block took fails its re-check, and the trader's next tx follows the block", async (t) => {
  const { f, traders } = await funded();
  const { mempool, sequencer, admit } = sequencerOn(f, {
    signer: key,
    now: () => Number(GENESIS_SECONDS + f.height) * 1000 + 500,
    mayPipeline: () => true,
  });
  const trader = traders[0]!;
  const seq = (await account(f, trader.address))!.sequence;
  const fee = { amount: [{ denom: "ustrike", amount: "100000" }], gas: 4_000_000 };
  const order = (n: bigint) =>
    signTx(trader, {
      sequence: seq + n,
      msgs: [place(trader.address, orderSpec("ETH-PERP", "buy", "1", "2990"))],
      fee,
    });
  const h = f.height + 1n;
  sequencer.openHeight({
    height: h,
    time: { seconds: GENESIS_SECONDS + h, nanos: 0 },
    proposerAddress: SEQUENCER,
    evidence: [],
    misbehavior: [],
    decidedLastCommit: { votes: [] },
  });
  // Admitted on arrival: its ante ran on the speculative state, and the re-check's record is that.
  const first = await order(0n);
  t.is(admit.checkAndAdd(first).code, 0);
  const replayedBefore = f.app.reuse.recheckReplayed;
  t.true(typeof sequencer.sealBlock(h) === "object");
  // Our proposal fails; another proposer's block takes the trader's sequence with another tx.
  const intruder = await signTx(trader, {
    sequence: seq,
    msgs: [sendMsg(trader.address, traders[1]!.address, [{ denom: "ustrike", amount: "7" }])],
    fee,
  });
  const res = await commitBlock(f, [intruder], h, { seconds: GENESIS_SECONDS + h + 1n, nanos: 0 }, OTHER, undefined);
  t.is(res.txResults[0]!.code, 0, res.txResults[0]!.log);
  mempool.update([intruder]);
  sequencer.committed(h, { txs: [intruder], round: 1, time: { seconds: GENESIS_SECONDS + h + 1n, nanos: 0 } });
  t.false(
    mempool.txs(100).some((tx) => equalBytes(tx, first)),
    "the tx whose sequence was taken is dropped",
  );
  t.is(f.app.reuse.recheckReplayed, replayedBefore, "its re-check ran the ante: what it read had changed");
  // The check state is the block's: the trader's next sequence is admitted, the old one is not.
  t.not(f.app.checkTx(await order(0n), "new").code, 0);
  t.is(f.app.checkTx(await order(1n), "new").code, 0);
});
