/**
 * MsgReceiptViolation in the real app: the header roots kept per height, the three provable
 * faults (a broken promise proven under the kept roots, two receipts for one slot, a receipt
 * whose fills its own promised result denies), the
 * penalty (slash, jail, tombstone, reporter's share), and every claim that must be refused
 * without changing anything.
 */
import test, { type ExecutionContext } from "ava";
import { MsgReceiptViolationResponse } from "../../../../chain/codec/generated/strike/receipts/v1/tx.js";
import { dataHash, resultsHash } from "../../../../chain/consensus/encoding.js";
import { createEd25519Signer, ed25519Address } from "../../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../../chain/crypto/hash.js";
import { MADE_UP_FILL } from "../../../../chain/sequencer/byzantine.js";
import { ReceiptStatus } from "../../../../chain/sequencer/receipt.js";
import { committedSlot, type CommittedBlockData } from "../../../../chain/sequencer/receiptCheck.js";
import { deterministicResultBytes } from "../../../../chain/consensus/encoding.js";
import type { TxResult } from "../../../../chain/types/abci.js";
import { utf8 } from "../../../../chain/types/bytes.js";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import type { RegisteredError } from "../../../../chain/types/errors.js";
import { receiptsErrors } from "../../../../modules/receipts/index.js";
import { balance } from "../../runtime/fixture.js";
import {
  INITIAL_BALANCE,
  SELF_DELEGATION,
  STRIKE,
  blockAt,
  createReceiptsFixture,
  emptyBlocks,
  headerRoots,
  receiptFor,
  report,
  runBlock,
  transfer,
  validatorState,
  type Block,
  type ReceiptsFixture,
} from "./fixture.js";

/** A report is two txs (commitment, reveal) of 20,000ustrike each. */
const REPORT_FEE = 2n * 20_000n;

function blockData(b: Block): CommittedBlockData {
  return {
    height: b.height,
    proposerAddress: b.proposer,
    txs: b.txs,
    results: b.results.map(deterministicResultBytes),
  };
}

/** Height 1, proposed by validator 0, carries two transfers (a at 0, b at 1); height 2 is empty. */
async function twoTxBlock(params: Parameters<typeof createReceiptsFixture>[0] = {}) {
  const f = await createReceiptsFixture(params);
  const [v, w] = f.validators as [ReceiptsFixture["validators"][0], ReceiptsFixture["validators"][0]];
  const a = await transfer(f, f.users[1]!, 1);
  const b = await transfer(f, f.users[2]!, 2);
  const res = await runBlock(f, [a, b], v);
  await runBlock(f, [], w);
  return { f, v, w, a, b, ra: res.txResults[0]!, rb: res.txResults[1]!, block: blockAt(f, 1n) };
}

function refused(t: ExecutionContext, r: TxResult, e: RegisteredError): void {
  t.is(`${r.codespace}/${r.code}`, `${e.codespace}/${e.code}`, r.log);
}

test("the state keeps each height's data_hash, tx count, proposer and results root, as the headers carry them", async (t) => {
  const { f, v, block } = await twoTxBlock();
  const roots = (await headerRoots(f, 1n))!;
  t.deepEqual(roots.dataHash, dataHash(block.txs));
  t.is(roots.numTxs, 2);
  t.deepEqual(roots.proposerAddress, v.address);
  t.deepEqual(roots.resultsHash, resultsHash(block.results));
  // Height 2's results root is only known when height 3 begins.
  t.is((await headerRoots(f, 2n))!.resultsHash.length, 0);
});

test("another tx at the promised index is a broken promise: the sequencer is slashed, jailed and tombstoned, and the reporter is paid its share", async (t) => {
  const { f, v, b, rb, block } = await twoTxBlock();
  const reporter = f.users[0]!;
  // The receipt promised b at index 0; the block has a there.
  const receipt = receiptFor(v, { height: 1n, index: 0, tx: b, result: rb });
  const r = await report(
    f,
    reporter,
    { receipt, committed: committedSlot(blockData(block), 0), conflicting: undefined },
    v,
  );
  t.is(r.code, 0, r.log);
  const res = MsgReceiptViolationResponse.decode(
    // TxMsgData: field 2 holds the Any responses; the response is the first Any's value.
    anyValue(r.data),
  );
  const slashed = (SELF_DELEGATION * 5n) / 100n;
  t.is(res.slashed, slashed.toString());
  t.is(res.reward, (slashed / 10n).toString());
  const after = await validatorState(f, v);
  t.is(after.tokens, SELF_DELEGATION - slashed);
  t.true(after.jailed);
  t.true(after.tombstoned);
  t.is(await balance(f, reporter.address), INITIAL_BALANCE - REPORT_FEE + slashed / 10n);
  t.is(50n * STRIKE, slashed);
});

test("a promised index beyond the block's txs is a broken promise, proven by the kept tx count alone", async (t) => {
  const { f, v, a, ra } = await twoTxBlock();
  const receipt = receiptFor(v, { height: 1n, index: 2, tx: a, result: ra });
  const r = await report(f, f.users[0]!, { receipt, committed: undefined, conflicting: undefined }, v);
  t.is(r.code, 0, r.log);
  t.true((await validatorState(f, v)).jailed);
});

test("the promised tx at its index with another result is a broken promise", async (t) => {
  const { f, v, a, ra, block } = await twoTxBlock();
  const receipt = receiptFor(v, {
    height: 1n,
    index: 0,
    tx: a,
    result: ra,
    resultHash: sha256(utf8("not the result")),
  });
  const r = await report(
    f,
    f.users[0]!,
    { receipt, committed: committedSlot(blockData(block), 0), conflicting: undefined },
    v,
  );
  t.is(r.code, 0, r.log);
  t.is((await validatorState(f, v)).tokens, (SELF_DELEGATION * 95n) / 100n);
});

test("two receipts of one sequencer for one slot with different txs are equivocation, punished without any block", async (t) => {
  const { f, v, a, b, ra, rb } = await twoTxBlock();
  const h = f.height + 1n; // the height the report's commitment runs at: still open when the receipts are signed
  const first = receiptFor(v, { height: h, index: 0, tx: a, result: ra });
  const second = receiptFor(v, { height: h, index: 0, tx: b, result: rb });
  const r = await report(f, f.users[0]!, { receipt: first, committed: undefined, conflicting: second }, v);
  t.is(r.code, 0, r.log);
  const after = await validatorState(f, v);
  t.true(after.tombstoned);
  t.is(after.tokens, (SELF_DELEGATION * 95n) / 100n);
});

test("a receipt whose fills its own promised result denies is a false-fills fault, punished on the receipt alone", async (t) => {
  const { f, v, a, ra } = await twoTxBlock();
  const reporter = f.users[0]!;
  // The tx (a bank send) traded nothing; the receipt shows the taker a fill. Tx and result hash are true:
  // the committed block honours them, and only the receipt's own result data proves the lie.
  const receipt = receiptFor(v, { height: 1n, index: 0, tx: a, result: ra, fills: [MADE_UP_FILL] });
  const r = await report(f, reporter, { receipt, committed: undefined, conflicting: undefined }, v);
  t.is(r.code, 0, r.log);
  const event = r.events.find((e) => e.type === "receipt_violation");
  t.is(event?.attributes.find((x) => x.key === "kind")?.value, "false_fills");
  const slashed = (SELF_DELEGATION * 5n) / 100n;
  const after = await validatorState(f, v);
  t.is(after.tokens, SELF_DELEGATION - slashed);
  t.true(after.jailed);
  t.true(after.tombstoned);
  t.is(await balance(f, reporter.address), INITIAL_BALANCE - REPORT_FEE + slashed / 10n);
});

test("a receipt showing a result that does not hash to its result hash is false too; an honest receipt alone proves nothing", async (t) => {
  const { f, v, a, ra, b, rb } = await twoTxBlock({ tombstone: false, jail: true });
  const before = await validatorState(f, v);
  // Honest receipts reported without a proof: nothing to judge, nothing changes.
  const honest = receiptFor(v, { height: 1n, index: 1, tx: b, result: rb });
  refused(
    t,
    await report(f, f.users[0]!, { receipt: honest, committed: undefined, conflicting: undefined }, v),
    receiptsErrors.invalidMsg,
  );
  t.deepEqual(await validatorState(f, v), before);
  // The gas it shows is not the gas its result hash covers.
  const shown = receiptFor(v, { height: 1n, index: 0, tx: a, result: ra, gasUsed: ra.gasUsed + 1n });
  const r = await report(f, f.users[0]!, { receipt: shown, committed: undefined, conflicting: undefined }, v);
  t.is(r.code, 0, r.log);
  t.true((await validatorState(f, v)).jailed);
});

test("a false-fills receipt for a height not reached yet, or out of the window, is refused", async (t) => {
  const { f, v, a, ra } = await twoTxBlock({ window: 3n });
  // The reveal runs at f.height + 2 (after its commitment's block).
  const early = receiptFor(v, { height: f.height + 3n, index: 0, tx: a, result: ra, fills: [MADE_UP_FILL] });
  refused(
    t,
    await report(f, f.users[0]!, { receipt: early, committed: undefined, conflicting: undefined }, v),
    receiptsErrors.notCommitted,
  );
  await emptyBlocks(f, 2, v);
  const old = receiptFor(v, { height: 1n, index: 0, tx: a, result: ra, fills: [MADE_UP_FILL] });
  refused(
    t,
    await report(f, f.users[0]!, { receipt: old, committed: undefined, conflicting: undefined }, v),
    receiptsErrors.outOfWindow,
  );
  t.false((await validatorState(f, v)).jailed);
});

test("an honoured receipt claimed as a violation is refused and changes nothing", async (t) => {
  const { f, v, a, ra, b, rb, block } = await twoTxBlock();
  const before = await validatorState(f, v);
  for (const [i, tx, result] of [[0, a, ra] as const, [1, b, rb] as const]) {
    const receipt = receiptFor(v, { height: 1n, index: i, tx, result });
    const r = await report(
      f,
      f.users[0]!,
      { receipt, committed: committedSlot(blockData(block), i), conflicting: undefined },
      v,
    );
    refused(t, r, receiptsErrors.receiptHonoured);
  }
  // The same receipt twice is no equivocation either.
  const receipt = receiptFor(v, { height: 1n, index: 0, tx: a, result: ra });
  refused(
    t,
    await report(f, f.users[0]!, { receipt, committed: undefined, conflicting: receipt }, v),
    receiptsErrors.notConflicting,
  );
  t.deepEqual(await validatorState(f, v), before);
});

test("a forged signature, a key that is not the named validator's, and a signer that validates nothing are refused", async (t) => {
  const { f, v, w, b, rb, block } = await twoTxBlock();
  const before = await validatorState(f, v);
  const slot = committedSlot(blockData(block), 0);
  const honest = receiptFor(v, { height: 1n, index: 0, tx: b, result: rb });
  const forged = { ...honest, signature: honest.signature.map((x, i) => (i === 0 ? x ^ 1 : x)) };
  refused(
    t,
    await report(f, f.users[0]!, { receipt: forged, committed: slot, conflicting: undefined }, v),
    receiptsErrors.invalidReceipt,
  );
  // Names v as the sequencer, signed with w's key.
  const wrongKey = receiptFor(v, { height: 1n, index: 0, tx: b, result: rb }, w.signer);
  refused(
    t,
    await report(f, f.users[0]!, { receipt: wrongKey, committed: slot, conflicting: undefined }, v),
    receiptsErrors.invalidReceipt,
  );
  // A key of no validator, naming itself.
  const stranger = createEd25519Signer(sha256(utf8("not a validator")));
  const own = receiptFor(
    { ...v, signer: stranger, address: ed25519Address(stranger.publicKey) },
    { height: 1n, index: 0, tx: b, result: rb },
  );
  refused(
    t,
    await report(f, f.users[0]!, { receipt: own, committed: slot, conflicting: undefined }, v),
    receiptsErrors.notAValidator,
  );
  t.deepEqual(await validatorState(f, v), before);
});

test("a block at the height proposed by another validator is a liveness fault (reverted receipts), never slashed", async (t) => {
  const f = await createReceiptsFixture();
  const [v, w] = [f.validators[0]!, f.validators[1]!];
  const a = await transfer(f, f.users[1]!, 1);
  const b = await transfer(f, f.users[2]!, 2);
  const res = await runBlock(f, [a], w);
  await runBlock(f, [], w);
  // v promised b at index 0 of height 1, but w proposed height 1 (v had failed).
  const receipt = receiptFor(v, { height: 1n, index: 0, tx: b, result: res.txResults[0]! });
  const r = await report(
    f,
    f.users[0]!,
    { receipt, committed: committedSlot(blockData(blockAt(f, 1n)), 0), conflicting: undefined },
    w,
  );
  refused(t, r, receiptsErrors.notProposer);
  t.regex(r.log, /liveness/);
  t.false((await validatorState(f, v)).jailed);
});

test("heights that left the window, or are not committed yet, are refused; the window's roots are pruned as it moves", async (t) => {
  const { f, v, b, rb, block } = await twoTxBlock({ window: 3n });
  const slot = committedSlot(blockData(block), 0);
  const receipt = receiptFor(v, { height: 1n, index: 0, tx: b, result: rb });
  await emptyBlocks(f, 2, v); // heights 3, 4: height 1 leaves the window at the end of 4
  t.is(await headerRoots(f, 1n), undefined);
  t.not(await headerRoots(f, 2n), undefined);
  refused(
    t,
    await report(f, f.users[0]!, { receipt, committed: slot, conflicting: undefined }, v),
    receiptsErrors.outOfWindow,
  );
  // The reveal runs at f.height + 2 (after its commitment's block): that height is not committed then.
  const open = receiptFor(v, { height: f.height + 2n, index: 0, tx: b, result: rb });
  refused(
    t,
    await report(f, f.users[0]!, { receipt: open, committed: undefined, conflicting: undefined }, v),
    receiptsErrors.notCommitted,
  );
  t.false((await validatorState(f, v)).jailed);
});

test("one penalty per sequencer and height: a second report of that height is refused, another height is punished again", async (t) => {
  const { f, v, a, ra, b, rb, block } = await twoTxBlock({ tombstone: false, jail: true });
  const slot = committedSlot(blockData(block), 0);
  const broken = receiptFor(v, { height: 1n, index: 0, tx: b, result: rb });
  t.is((await report(f, f.users[0]!, { receipt: broken, committed: slot, conflicting: undefined }, v)).code, 0);
  const once = await validatorState(f, v);
  t.false(once.tombstoned);
  t.true(once.jailed);
  t.true(once.jailedUntil > 0n);
  // The same fault again, and another broken receipt of the same height (index 2 of 2 txs).
  refused(
    t,
    await report(f, f.users[0]!, { receipt: broken, committed: slot, conflicting: undefined }, v),
    receiptsErrors.alreadyPunished,
  );
  const other = receiptFor(v, { height: 1n, index: 2, tx: a, result: ra });
  refused(
    t,
    await report(f, f.users[0]!, { receipt: other, committed: undefined, conflicting: undefined }, v),
    receiptsErrors.alreadyPunished,
  );
  t.is((await validatorState(f, v)).tokens, once.tokens);
  // Height 3 (proposed by v, empty) broke a promise too: a new fault.
  await runBlock(f, [], v);
  const h = f.height;
  await runBlock(f, [], v);
  const later = receiptFor(v, { height: h, index: 0, tx: a, result: ra });
  t.is((await report(f, f.users[0]!, { receipt: later, committed: undefined, conflicting: undefined }, v)).code, 0);
  t.true((await validatorState(f, v)).tokens < once.tokens);
});

test("a tombstoned sequencer is not punished again for another height", async (t) => {
  const { f, v, a, ra, b, rb, block } = await twoTxBlock();
  const first = receiptFor(v, { height: 1n, index: 0, tx: b, result: rb });
  t.is(
    (
      await report(
        f,
        f.users[0]!,
        { receipt: first, committed: committedSlot(blockData(block), 0), conflicting: undefined },
        v,
      )
    ).code,
    0,
  );
  const tokens = (await validatorState(f, v)).tokens;
  const h = f.height + 1n;
  const x = receiptFor(v, { height: h, index: 0, tx: a, result: ra });
  const y = receiptFor(v, { height: h, index: 0, tx: b, result: rb });
  refused(
    t,
    await report(f, f.users[0]!, { receipt: x, committed: undefined, conflicting: y }, v),
    receiptsErrors.alreadyPunished,
  );
  t.is((await validatorState(f, v)).tokens, tokens);
});

test("a Merkle proof that does not lead to the kept root is refused", async (t) => {
  const { f, v, b, rb, block } = await twoTxBlock();
  const receipt = receiptFor(v, { height: 1n, index: 0, tx: b, result: rb });
  const slot = committedSlot(blockData(block), 0);
  // Claim the block holds some other tx at 0 (a lie the proof cannot back).
  const lie = { ...slot, txHash: sha256(utf8("never committed")) };
  refused(
    t,
    await report(f, f.users[0]!, { receipt, committed: lie, conflicting: undefined }, v),
    receiptsErrors.badProof,
  );
  const badAunt = { ...slot, resultAunts: slot.resultAunts.map((x) => sha256(x)) };
  refused(
    t,
    await report(f, f.users[0]!, { receipt, committed: badAunt, conflicting: undefined }, v),
    receiptsErrors.badProof,
  );
  const missing = await report(f, f.users[0]!, { receipt, committed: undefined, conflicting: undefined }, v);
  refused(t, missing, receiptsErrors.invalidMsg);
  t.false((await validatorState(f, v)).jailed);
});

test("a signed rejection promises nothing and cannot be reported", async (t) => {
  const { f, v, b, rb } = await twoTxBlock();
  const receipt = receiptFor(v, {
    height: 1n,
    index: 0,
    tx: b,
    result: rb,
    status: ReceiptStatus.RECEIPT_STATUS_REJECTED,
  });
  refused(
    t,
    await report(f, f.users[0]!, { receipt, committed: undefined, conflicting: undefined }, v),
    receiptsErrors.notAPromise,
  );
});

/** The first response's value inside TxMsgData bytes (field 2: repeated Any{type_url=1, value=2}). */
function anyValue(data: Uint8Array): Uint8Array {
  return TxMsgData.decode(data).msgResponses[0]!.value;
}

test("a copied report (the same proof under another reporter) after the first is refused: only the first included reporter is paid", async (t) => {
  const { f, v, b, rb, block } = await twoTxBlock();
  const slot = committedSlot(blockData(block), 0);
  const broken = receiptFor(v, { height: 1n, index: 0, tx: b, result: rb });
  const [first, copier] = [f.users[0]!, f.users[1]!];
  const copierBefore = await balance(f, copier.address);
  const before = (await validatorState(f, v)).tokens;
  t.is((await report(f, first, { receipt: broken, committed: slot, conflicting: undefined }, v)).code, 0);
  const slashed = before - (await validatorState(f, v)).tokens;
  t.true(slashed > 0n);
  // The copier signs the same proof as its own report (the reward goes to the signer): refused.
  refused(
    t,
    await report(f, copier, { receipt: broken, committed: slot, conflicting: undefined }, v),
    receiptsErrors.alreadyPunished,
  );
  t.is(await balance(f, first.address), INITIAL_BALANCE - REPORT_FEE + slashed / 10n);
  t.is(await balance(f, copier.address), copierBefore - REPORT_FEE, "the copier paid its fee and got nothing");
});
