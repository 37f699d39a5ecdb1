/**
 * The precommits that arrive after a height's decision, carried by the next proposal
 * (chain/consensus/lateCommit.ts): the sequencer opened that height on the decision's last
 * commit and has receipted txs under it, so at its seal it moves the block under the grown
 * last commit when every receipt comes out the same there, and keeps the one it opened with
 * otherwise. Either way the block names the last commit its txs were executed under.
 */
import test, { type ExecutionContext } from "ava";
import { sha256 } from "../../../chain/crypto/hash.js";
import { ReceiptStatus } from "../../../chain/sequencer/receipt.js";
import { resultHashOf } from "../../../chain/sequencer/receiptStore.js";
import type { SealedBlock } from "../../../chain/consensus/types.js";
import { equalBytes } from "../../../chain/types/bytes.js";
import { account, signTx, type TestAccount } from "../../unit/runtime/fixture.js";
import { orderSpec, place, type TradingFixture } from "../trading/fixture.js";
import {
  fundedTraders,
  heightPlan,
  missedBlocks,
  SEQUENCER,
  sequencerOn,
  readSigningInfoOn,
  validatorVote,
} from "./fixture.js";
import { proposed } from "./sealed.js";

async function crossingOrders(f: TradingFixture, traders: TestAccount[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const [i, [side, price]] of (
    [
      ["sell", "3000"],
      ["buy", "3001"],
      ["buy", "3000"],
    ] as const
  ).entries()) {
    const trader = traders[i]!;
    out.push(
      await signTx(trader, {
        sequence: (await account(f, trader.address))!.sequence,
        msgs: [place(trader.address, orderSpec("ETH-PERP", side, "1", price))],
        fee: { amount: [{ denom: "ustrike", amount: "100000" }], gas: 4_000_000 },
      }),
    );
  }
  return out;
}

/** The sealed block committed as validators execute it, under the last commit it names. */
async function commitSealed(f: TradingFixture, height: bigint, sealed: SealedBlock) {
  const res = f.app.finalizeBlock({
    txs: sealed.txs,
    height,
    time: sealed.time,
    hash: new Uint8Array(32),
    proposerAddress: SEQUENCER,
    misbehavior: [],
    decidedLastCommit: sealed.decidedLastCommit,
  });
  const batch = f.db.batch();
  f.app.commit(batch);
  await batch.write();
  f.height = height;
  return res;
}

/**
 * A sequencer's height opened on a decision made before VALIDATOR's precommit arrived, with
 * three crossing orders receipted under it.
 */
async function openedWithOrders(t: ExecutionContext) {
  const { f, traders } = await fundedTraders(3, { validator: true });
  const { receipts, sequencer, admit } = sequencerOn(f);
  const height = f.height + 1n;
  sequencer.openHeight({ ...heightPlan(height), decidedLastCommit: validatorVote(false) });
  const txs = await crossingOrders(f, traders);
  for (const tx of txs) t.is(admit.checkAndAdd(tx).code, 0);
  return { f, receipts, sequencer, height, txs };
}

test("the sequencer's block moves under the last commit grown by a late precommit, and every receipt still comes true", async (t) => {
  const { f, receipts, sequencer, height, txs } = await openedWithOrders(t);
  const sealed = proposed(sequencer.sealBlock(height, validatorVote(true)));
  t.deepEqual(sealed.decidedLastCommit, validatorVote(true), "the block carries the grown last commit");
  t.deepEqual(sealed.txs, txs);
  t.deepEqual(proposed(sequencer.sealBlock(height, validatorVote(false))), sealed, "a later round proposes the same");
  const res = await commitSealed(f, height, sealed);
  t.is(f.app.reuse.rebaseReused, 1, "moved without executing its txs again");
  t.is(f.app.reuse.finalizeReused, 1, "and committed as moved");
  for (const [i, tx] of txs.entries()) {
    const r = receipts.get(sha256(tx))!.receipt;
    t.is(r.status, ReceiptStatus.RECEIPT_STATUS_SEQUENCED);
    t.is(r.index, i);
    t.true(equalBytes(r.resultHash, resultHashOf(res.txResults[i]!)), `receipt ${i} honoured`);
  }
  t.true(
    res.txResults.flatMap((r) => r.events).some((e) => e.type === "trade"),
    "the orders traded",
  );
  t.is(await missedBlocks(f), 0n, "the validator is not counted as missing the block it signed");
});

test("when a tx read the liveness record the late precommit changes, the block keeps the last commit it opened with", async (t) => {
  const { f, receipts, sequencer, height, txs } = await openedWithOrders(t);
  await readSigningInfoOn((path, data) => sequencer.speculativeQuery(path, data)!.value);
  const sealed = proposed(sequencer.sealBlock(height, validatorVote(true)));
  t.deepEqual(sealed.decidedLastCommit, validatorVote(false));
  const res = await commitSealed(f, height, sealed);
  t.is(f.app.reuse.rebaseRefused, 1);
  for (const [i, tx] of txs.entries())
    t.true(equalBytes(receipts.get(sha256(tx))!.receipt.resultHash, resultHashOf(res.txResults[i]!)));
  t.is(await missedBlocks(f), 1n);
});

test("an empty height is opened again under the grown last commit", async (t) => {
  const { f } = await fundedTraders(1, { validator: true });
  const { sequencer } = sequencerOn(f);
  const height = f.height + 1n;
  sequencer.openHeight({ ...heightPlan(height), decidedLastCommit: validatorVote(false) });
  const sealed = proposed(sequencer.sealBlock(height, validatorVote(true)));
  t.deepEqual(sealed.decidedLastCommit, validatorVote(true));
  t.deepEqual(sealed.txs, []);
  await commitSealed(f, height, sealed);
  t.is(f.app.reuse.finalizeReused, 1);
  t.is(await missedBlocks(f), 0n);
});
