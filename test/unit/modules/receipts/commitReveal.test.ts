/**
 * Reports are commit–reveal, so that nobody who sees a report can take its reward: the reveal
 * must open its reporter's own commitment, at least reveal_delay blocks old and at most
 * commit_ttl; the first valid reveal slashes at once, and the reward goes claim_window blocks
 * later to the valid reveal with the earliest commitment. Every refusal changes nothing.
 */
import test, { type ExecutionContext } from "ava";
import { MsgReceiptViolationResponse } from "../../../../chain/codec/generated/strike/receipts/v1/tx.js";
import { deterministicResultBytes } from "../../../../chain/consensus/encoding.js";
import { committedSlot } from "../../../../chain/sequencer/receiptCheck.js";
import type { TxResult } from "../../../../chain/types/abci.js";
import type { RegisteredError } from "../../../../chain/types/errors.js";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { receiptsErrors, type ReceiptsParams } from "../../../../modules/receipts/index.js";
import { account, balance, queries } from "../../runtime/fixture.js";
import {
  INITIAL_BALANCE,
  SELF_DELEGATION,
  blockAt,
  commitTx,
  createReceiptsFixture,
  emptyBlocks,
  newSalt,
  receiptFor,
  revealTx,
  runBlock,
  transfer,
  validatorState,
  type ReceiptsFixture,
  type ReportProof,
} from "./fixture.js";

const FEE = 20_000n;
const SLASHED = (SELF_DELEGATION * 5n) / 100n;
const REWARD = SLASHED / 10n;

/** Height 1 by validator 0 holds a at index 0; the receipt promised b there: a broken promise, ready to report. */
async function brokenPromise(params: Partial<ReceiptsParams> = {}) {
  const f = await createReceiptsFixture(params);
  const v = f.validators[0]!;
  const a = await transfer(f, f.users[1]!, 1);
  const b = await transfer(f, f.users[2]!, 2);
  const res = await runBlock(f, [a, b], v);
  await runBlock(f, [], v);
  const block = blockAt(f, 1n);
  const proof: ReportProof = {
    receipt: receiptFor(v, { height: 1n, index: 0, tx: b, result: res.txResults[1]! }),
    committed: committedSlot(
      { height: 1n, proposerAddress: v.address, txs: block.txs, results: block.results.map(deterministicResultBytes) },
      0,
    ),
    conflicting: undefined,
  };
  return { f, v, proof, honest: f.users[0]!, copier: f.users[1]! };
}

function refused(t: ExecutionContext, r: TxResult, e: RegisteredError): void {
  t.is(`${r.codespace}/${r.code}`, `${e.codespace}/${e.code}`, r.log);
}

async function one(f: ReceiptsFixture, tx: Uint8Array, proposer = f.validators[0]!): Promise<TxResult> {
  return (await runBlock(f, [tx], proposer)).txResults[0]!;
}

function response(r: TxResult): MsgReceiptViolationResponse {
  return MsgReceiptViolationResponse.decode(TxMsgData.decode(r.data).msgResponses[0]!.value);
}

test("a reveal without any commitment, or with another salt than the committed one, is refused and changes nothing", async (t) => {
  const { f, v, proof, honest } = await brokenPromise();
  const before = await validatorState(f, v);
  refused(t, await one(f, await revealTx(f, honest, proof, newSalt())), receiptsErrors.noCommitment);
  const salt = newSalt();
  t.is((await one(f, await commitTx(f, honest, proof, salt))).code, 0);
  const wrong = await one(f, await revealTx(f, honest, proof, newSalt()));
  refused(t, wrong, receiptsErrors.commitmentMismatch);
  t.regex(wrong.log, /never committed/);
  // A salt that is not 32 bytes is refused before anything runs.
  refused(t, await one(f, await revealTx(f, honest, proof, salt.subarray(0, 16))), receiptsErrors.invalidMsg);
  t.deepEqual(await validatorState(f, v), before);
  // Three fees: the refused reveals ran (and paid); the bad salt was refused before the ante.
  t.is(await balance(f, honest.address), INITIAL_BALANCE - 3n * FEE);
});

test("a reveal in its commitment's own block is too early, one after commit_ttl too late; in between it is accepted", async (t) => {
  const { f, v, proof, honest } = await brokenPromise({ revealDelay: 2n, commitTtl: 3n });
  const salt = newSalt();
  const s0 = (await account(f, honest.address))!.sequence;
  // Commitment and reveal in one block: the reveal runs at the commitment's height.
  const both = await runBlock(
    f,
    [await commitTx(f, honest, proof, salt, s0), await revealTx(f, honest, proof, salt, s0 + 1n)],
    v,
  );
  t.is(both.txResults[0]!.code, 0, both.txResults[0]!.log);
  refused(t, both.txResults[1]!, receiptsErrors.revealTooEarly);
  // One block later is still inside reveal_delay = 2.
  refused(t, await one(f, await revealTx(f, honest, proof, salt)), receiptsErrors.revealTooEarly);
  t.false((await validatorState(f, v)).jailed);
  // commit_ttl = 3: heights c+2 and c+3 may reveal; c+4 is too late.
  await emptyBlocks(f, 2, v);
  const late = await one(f, await revealTx(f, honest, proof, salt));
  refused(t, late, receiptsErrors.revealTooLate);
  t.false((await validatorState(f, v)).jailed);
  // Forgotten at the end of c + 2 × commit_ttl (here c + 6): the state does not keep it for ever.
  await emptyBlocks(f, 2, v);
  refused(t, await one(f, await revealTx(f, honest, proof, salt)), receiptsErrors.noCommitment);

  const again = newSalt();
  t.is((await one(f, await commitTx(f, honest, proof, again))).code, 0);
  await emptyBlocks(f, 1, v);
  const ok = await one(f, await revealTx(f, honest, proof, again));
  t.is(ok.code, 0, ok.log);
  t.true((await validatorState(f, v)).jailed);
});

test("a commitment made twice is refused, and a commitment revealed twice is refused the second time", async (t) => {
  const { f, v, proof, honest } = await brokenPromise();
  const salt = newSalt();
  t.is((await one(f, await commitTx(f, honest, proof, salt))).code, 0);
  refused(t, await one(f, await commitTx(f, honest, proof, salt)), receiptsErrors.duplicateCommitment);
  t.is((await one(f, await revealTx(f, honest, proof, salt))).code, 0);
  const tokens = (await validatorState(f, v)).tokens;
  refused(t, await one(f, await revealTx(f, honest, proof, salt)), receiptsErrors.alreadyRevealed);
  t.is((await validatorState(f, v)).tokens, tokens);
});

test("a copier who sees the reveal in the mempool and reports the same proof under its own name gets nothing; the sequencer is slashed once", async (t) => {
  const { f, v, proof, honest, copier } = await brokenPromise({ claimWindow: 4n });
  const copierBefore = await balance(f, copier.address);
  const salt = newSalt();
  t.is((await one(f, await commitTx(f, honest, proof, salt))).code, 0);
  // The honest reveal is in the mempool: the copier commits to the same proof under its own
  // name in the same block as that reveal, then reveals it after the delay.
  const copied = newSalt();
  const block = await runBlock(
    f,
    [await revealTx(f, honest, proof, salt), await commitTx(f, copier, proof, copied)],
    v,
  );
  t.is(block.txResults[0]!.code, 0, block.txResults[0]!.log);
  t.is(block.txResults[1]!.code, 0, block.txResults[1]!.log);
  const r = response(block.txResults[0]!);
  t.is(r.slashed, SLASHED.toString());
  t.is(r.reward, REWARD.toString());
  t.is(r.rewardHeight, f.height + 4n);
  const copy = await one(f, await revealTx(f, copier, proof, copied));
  refused(t, copy, receiptsErrors.laterClaim);
  await emptyBlocks(f, 4, v);
  t.is((await validatorState(f, v)).tokens, SELF_DELEGATION - SLASHED, "slashed exactly once");
  t.is(await balance(f, honest.address), INITIAL_BALANCE - 2n * FEE + REWARD);
  t.is(await balance(f, copier.address), copierBefore - 2n * FEE, "the copier paid its fees and got nothing");
});

test("a copier whose reveal lands first (a proposer censoring the honest reveal) is overtaken by the earlier honest commitment before the reward is paid", async (t) => {
  const { f, v, proof, honest, copier } = await brokenPromise({ claimWindow: 5n });
  const copierBefore = await balance(f, copier.address);
  const salt = newSalt();
  t.is((await one(f, await commitTx(f, honest, proof, salt))).code, 0);
  // The proposer keeps the honest reveal out, commits and reveals the copy first.
  const copied = newSalt();
  t.is((await one(f, await commitTx(f, copier, proof, copied))).code, 0);
  const first = await one(f, await revealTx(f, copier, proof, copied));
  t.is(first.code, 0, first.log);
  t.is(response(first).slashed, SLASHED.toString());
  const payAt = response(first).rewardHeight;
  // The honest reveal gets in later, inside the claim window: its commitment is earlier.
  const late = await one(f, await revealTx(f, honest, proof, salt));
  t.is(late.code, 0, late.log);
  const r = response(late);
  t.is(r.slashed, "0", "the fault is not slashed a second time");
  t.is(r.reward, REWARD.toString());
  t.is(r.rewardHeight, payAt, "the payment height does not move");
  t.true(late.events.some((e) => e.type === "receipt_violation_claim"));
  // Not paid before its height, paid at its end.
  while (f.height < payAt - 1n) await runBlock(f, [], v);
  t.is(await balance(f, honest.address), INITIAL_BALANCE - 2n * FEE);
  const paid = await runBlock(f, [], v);
  t.true(paid.events.some((e) => e.type === "receipt_violation_reward"));
  t.is(await balance(f, honest.address), INITIAL_BALANCE - 2n * FEE + REWARD);
  t.is(await balance(f, copier.address), copierBefore - 2n * FEE);
  t.is((await validatorState(f, v)).tokens, SELF_DELEGATION - SLASHED, "slashed exactly once");
});

test("a copier who commits after the honest commitment gets nothing, whether it reveals inside the claim window or after the payment", async (t) => {
  const { f, v, proof, honest, copier } = await brokenPromise({ claimWindow: 2n });
  const copierBefore = await balance(f, copier.address);
  const salt = newSalt();
  t.is((await one(f, await commitTx(f, honest, proof, salt))).code, 0);
  const [inside, after] = [newSalt(), newSalt()];
  t.is((await one(f, await commitTx(f, copier, proof, inside))).code, 0);
  t.is((await one(f, await commitTx(f, copier, proof, after))).code, 0);
  t.is((await one(f, await revealTx(f, honest, proof, salt))).code, 0);
  refused(t, await one(f, await revealTx(f, copier, proof, inside)), receiptsErrors.laterClaim);
  await emptyBlocks(f, 2, v);
  // Paid and settled: the fault is closed.
  refused(t, await one(f, await revealTx(f, copier, proof, after)), receiptsErrors.alreadyPunished);
  t.is(await balance(f, honest.address), INITIAL_BALANCE - 2n * FEE + REWARD);
  t.is(await balance(f, copier.address), copierBefore - 4n * FEE);
  t.is((await validatorState(f, v)).tokens, SELF_DELEGATION - SLASHED);
});

test("a commitment binds its reporter: the copier cannot reveal under the honest commitment with its own name", async (t) => {
  const { f, v, proof, honest, copier } = await brokenPromise();
  const salt = newSalt();
  t.is((await one(f, await commitTx(f, honest, proof, salt))).code, 0);
  // The copier saw the salt in the honest reveal and replays it as its own.
  refused(t, await one(f, await revealTx(f, copier, proof, salt)), receiptsErrors.noCommitment);
  t.false((await validatorState(f, v)).jailed);
});

test("the Commitments and Claims queries show a reporter's commitments with their reveal heights, and the claims not paid yet", async (t) => {
  const { f, proof, honest, copier } = await brokenPromise({ claimWindow: 5n, revealDelay: 2n, commitTtl: 50n });
  const q = queries(f).receipts;
  t.deepEqual((await q.Commitments({ reporter: honest.address })).commitments, [], "none before it commits");
  const first = newSalt();
  const second = newSalt();
  t.is((await one(f, await commitTx(f, honest, proof, first))).code, 0);
  const firstHeight = f.height;
  t.is((await one(f, await commitTx(f, honest, proof, second))).code, 0);
  t.is((await one(f, await commitTx(f, copier, proof, newSalt()))).code, 0);
  const mine = (await q.Commitments({ reporter: honest.address })).commitments;
  t.is(mine.length, 2, "only the honest reporter's own");
  t.true(mine.every((c) => c.commitment!.reporter === honest.address && !c.commitment!.revealed));
  t.true(mine[0]!.commitment!.sequence < mine[1]!.commitment!.sequence, "in sequence order");
  t.is(mine[0]!.commitment!.height, firstHeight);
  t.is(mine[0]!.revealFromHeight, firstHeight + 2n);
  t.is(mine[0]!.revealUntilHeight, firstHeight + 50n);
  t.deepEqual((await q.Claims({ reporter: "" })).claims, [], "no claim before a reveal");

  await one(f, await revealTx(f, honest, proof, first));
  const claims = (await q.Claims({ reporter: "" })).claims;
  t.is(claims.length, 1);
  t.is(claims[0]!.reporter, honest.address);
  t.is(claims[0]!.reward, REWARD.toString());
  t.is((await q.Claims({ reporter: honest.address })).claims.length, 1);
  t.is((await q.Claims({ reporter: copier.address })).claims.length, 0, "filtered by reporter");
  t.true(
    (await q.Commitments({ reporter: honest.address })).commitments.some((c) => c.commitment!.revealed),
    "the revealed commitment says so",
  );
  // Paid at its height: the claim is gone.
  while (f.height < claims[0]!.payHeight) await runBlock(f, [], f.validators[0]!);
  t.deepEqual((await q.Claims({ reporter: "" })).claims, []);

  const bad = await t.throwsAsync(q.Commitments({ reporter: "not-an-address" }));
  t.regex(bad?.message ?? "", /not a valid address/);
  await t.throwsAsync(q.Claims({ reporter: "strike1nope" }), { message: /not a valid address/ });
});
