/**
 * The test-only Byzantine sequencer on the in-process app: in each mode (drop, reorder,
 * equivocate) the real sequencer signs receipts and then breaks one; the checker's
 * judgement of the committed block (or of the two receipts) builds a MsgReceiptViolation
 * that the app's keeper accepts (committed, then revealed), and the sequencer is slashed and jailed. An honest
 * sequencer's receipts are all judged honoured.
 */
import test from "ava";
import type { MsgReceiptViolation } from "../../../chain/codec/generated/strike/receipts/v1/tx.js";
import { deterministicResultBytes } from "../../../chain/consensus/encoding.js";
import { createByzantineSequencing, type ByzantineMode } from "../../../chain/sequencer/byzantine.js";
import { verifyReceipt, type SignedReceipt } from "../../../chain/sequencer/receipt.js";
import { conflictingReceipts, judgeReceipt } from "../../../chain/sequencer/receiptCheck.js";
import { createReceiptStore } from "../../../chain/sequencer/receiptStore.js";
import { createSequencer } from "../../../chain/sequencer/sequencer.js";
import { proposed } from "./sealed.js";
import { CHAIN_ID } from "../../unit/runtime/fixture.js";
import {
  SELF_DELEGATION,
  createReceiptsFixture,
  report,
  runBlock,
  transfer,
  validatorState,
} from "../../unit/modules/receipts/fixture.js";

async function sequenceTwo(mode: ByzantineMode | undefined) {
  const f = await createReceiptsFixture();
  const v = f.validators[0]!;
  const signed: SignedReceipt[] = [];
  const sequencer = createSequencer({
    chainId: CHAIN_ID,
    app: f.app,
    pending: () => [],
    signer: v.signer,
    epoch: () => 0n,
    receipts: createReceiptStore(),
    maxBlockBytes: 4_000_000,
    maxBlockGas: -1n,
    now: () => 0,
    publish: (s) => signed.push(s),
    ...(mode === undefined ? {} : { byzantineForTesting: createByzantineSequencing(mode) }),
  });
  const txs = [await transfer(f, f.users[1]!, 1), await transfer(f, f.users[2]!, 2)];
  sequencer.openHeight({
    height: 1n,
    time: { seconds: 1_700_000_001n, nanos: 0 },
    proposerAddress: v.address,
    evidence: [],
    misbehavior: [],
    decidedLastCommit: { votes: [] },
    lastResultsHash: new Uint8Array(0),
  });
  for (const tx of txs) sequencer.admitted(tx);
  const sealed = proposed(sequencer.sealBlock(1n));
  const res = await runBlock(f, sealed.txs, v);
  sequencer.committed(1n);
  const block = {
    height: 1n,
    proposerAddress: v.address,
    txs: sealed.txs,
    results: res.txResults.map(deterministicResultBytes),
  };
  const judged = signed.map((s) => ({ s, ...judgeReceipt(s, verifyReceipt(s, { chainId: CHAIN_ID }), block) }));
  return { f, v, txs, sealed, signed, judged };
}

test("an honest sequencer's receipts are all judged honoured by the committed block", async (t) => {
  const { signed, judged, sealed, txs } = await sequenceTwo(undefined);
  t.is(signed.length, 2);
  t.deepEqual(sealed.txs, txs);
  t.deepEqual(
    judged.map((j) => j.verdict),
    ["honoured", "honoured"],
  );
});

for (const mode of ["drop", "reorder"] as const) {
  test(`a sequencer that ${mode}s a receipted tx is judged violated, and the checker's proof gets it slashed and jailed`, async (t) => {
    const { f, v, judged, sealed, txs } = await sequenceTwo(mode);
    t.deepEqual(sealed.txs, mode === "drop" ? [txs[1]!] : [txs[1]!, txs[0]!]);
    const violated = judged.filter((j) => j.verdict === "violated");
    t.is(violated.length, 2, "both receipts are broken: the first tx moved or vanished, the second moved");
    await runBlock(f, [], v);
    const msg = violated[0]!.violation!;
    const r = await report(f, f.users[0]!, msg, v);
    t.is(r.code, 0, r.log);
    const after = await validatorState(f, v);
    t.true(after.jailed);
    t.is(after.tokens, (SELF_DELEGATION * 95n) / 100n);
  });
}

test("a sequencer that signs two receipts for one slot is caught by comparing them, and punished", async (t) => {
  const { f, v, signed, judged } = await sequenceTwo("equivocate");
  t.is(signed.length, 3, "the first slot got two receipts");
  const [a, b] = [signed[0]!, signed[1]!].map((s) => verifyReceipt(s, { chainId: CHAIN_ID }));
  t.true(conflictingReceipts(a!, b!));
  // The block honours the first; the twin promised another result for the same slot.
  t.deepEqual(
    judged.map((j) => j.verdict),
    ["honoured", "violated", "honoured"],
  );
  const msg: Omit<MsgReceiptViolation, "reporter" | "salt"> = {
    receipt: signed[0]!,
    committed: undefined,
    conflicting: signed[1]!,
  };
  await runBlock(f, [], v);
  const r = await report(f, f.users[0]!, msg, v);
  t.is(r.code, 0, r.log);
  t.true((await validatorState(f, v)).tombstoned);
});
