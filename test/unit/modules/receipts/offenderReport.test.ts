/**
 * The offender cannot report itself for a reward: a reveal by the punished validator's
 * operator account (its self-delegator) or by an account with stake in it punishes the fault
 * as any reveal does, but no reward goes to it; the share stays in the community pool unless
 * an unrelated reporter reveals within the claim window, who then takes the claim.
 */
import test from "ava";
import { MsgDelegate, MsgUndelegate } from "../../../../chain/codec/generated/strike/staking/v1/tx.js";
import { MsgReceiptViolationResponse } from "../../../../chain/codec/generated/strike/receipts/v1/tx.js";
import { deterministicResultBytes } from "../../../../chain/consensus/encoding.js";
import { committedSlot } from "../../../../chain/sequencer/receiptCheck.js";
import type { TxResult } from "../../../../chain/types/abci.js";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { receiptsErrors, type ReceiptsParams } from "../../../../modules/receipts/index.js";
import { account, balance, signTx, type TestAccount } from "../../runtime/fixture.js";
import {
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

/** Height 1 by validator 0 holds a at index 0; the receipt promised b there: a broken promise. */
async function brokenPromise(f: ReceiptsFixture): Promise<ReportProof> {
  const v = f.validators[0]!;
  const a = await transfer(f, f.users[1]!, 1);
  const b = await transfer(f, f.users[2]!, 2);
  const res = await runBlock(f, [a, b], v);
  await runBlock(f, [], v);
  const block = blockAt(f, 1n);
  return {
    receipt: receiptFor(v, { height: 1n, index: 0, tx: b, result: res.txResults[1]! }),
    committed: committedSlot(
      { height: 1n, proposerAddress: v.address, txs: block.txs, results: block.results.map(deterministicResultBytes) },
      0,
    ),
    conflicting: undefined,
  };
}

async function setup(params: Partial<ReceiptsParams> = {}) {
  const f = await createReceiptsFixture(params);
  const proof = await brokenPromise(f);
  return { f, v: f.validators[0]!, offender: f.validators[0]!.operator, third: f.users[0]!, proof };
}

async function one(f: ReceiptsFixture, tx: Uint8Array): Promise<TxResult> {
  return (await runBlock(f, [tx], f.validators[0]!)).txResults[0]!;
}

function response(r: TxResult): MsgReceiptViolationResponse {
  return MsgReceiptViolationResponse.decode(TxMsgData.decode(r.data).msgResponses[0]!.value);
}

const eventOf = (r: { events: TxResult["events"] }, type: string) => r.events.find((e) => e.type === type);
const attr = (e: TxResult["events"][number] | undefined, key: string) =>
  e?.attributes.find((a) => a.key === key)?.value;

/** Commits in one block and reveals in the next, as a client does. */
async function commitAndReveal(f: ReceiptsFixture, reporter: TestAccount, proof: ReportProof): Promise<TxResult> {
  const salt = newSalt();
  const c = await one(f, await commitTx(f, reporter, proof, salt));
  if (c.code !== 0) return c;
  return one(f, await revealTx(f, reporter, proof, salt));
}

async function stakeTx(f: ReceiptsFixture, from: TestAccount, to: string, amount: bigint, undelegate = false) {
  const msg = {
    delegatorAddress: from.address,
    validatorAddress: to,
    amount: { denom: "ustrike", amount: `${amount}` },
  };
  return signTx(from, {
    sequence: (await account(f, from.address))?.sequence ?? 0n,
    msgs: [],
    rawMessages: [
      undelegate
        ? { typeUrl: "/strike.staking.v1.MsgUndelegate", value: MsgUndelegate.encode(msg).finish() }
        : { typeUrl: "/strike.staking.v1.MsgDelegate", value: MsgDelegate.encode(msg).finish() },
    ],
  });
}

test("the offender's operator reports its own broken promise: it is slashed and jailed, and paid nothing, now or after the claim window", async (t) => {
  const { f, v, offender, proof } = await setup({ claimWindow: 3n });
  const before = await balance(f, offender.address);
  const r = await commitAndReveal(f, offender, proof);
  t.is(r.code, 0, r.log);
  const res = response(r);
  t.is(res.slashed, SLASHED.toString(), "the fault is punished as any reveal punishes it");
  t.is(res.reward, "0", "no reward for the offender");
  const withheld = eventOf(r, "receipt_violation_reward_withheld");
  t.truthy(withheld);
  t.regex(attr(withheld, "reason") ?? "", /operator/);
  t.is(attr(eventOf(r, "receipt_violation"), "reward"), "0");
  const state = await validatorState(f, v);
  t.is(state.tokens, SELF_DELEGATION - SLASHED);
  t.true(state.jailed);
  t.true(state.tombstoned);
  // Past the payment height: the share stays in the pool, and says so.
  let unclaimed = false;
  for (let i = 0; i < 4; i++) {
    const b = await runBlock(f, [], v);
    unclaimed ||= b.events.some((e) => e.type === "receipt_violation_reward_unclaimed");
    t.false(b.events.some((e) => e.type === "receipt_violation_reward"));
  }
  t.true(unclaimed);
  t.is(await balance(f, offender.address), before - 2n * FEE, "the offender paid its two fees and got nothing back");
  // The fault is closed: a later report is refused.
  const late = await commitAndReveal(f, f.users[0]!, proof);
  t.is(`${late.codespace}/${late.code}`, "receipts/7", late.log);
});

test("a third party who reveals after the offender's self-report, inside the claim window, takes the reward; the fault is slashed once", async (t) => {
  const { f, v, offender, third, proof } = await setup({ claimWindow: 4n });
  const offenderBefore = await balance(f, offender.address);
  const thirdBefore = await balance(f, third.address);
  // The offender commits first (it knew of the fault before anyone), the third party after.
  const [own, honest] = [newSalt(), newSalt()];
  t.is((await one(f, await commitTx(f, offender, proof, own))).code, 0);
  t.is((await one(f, await commitTx(f, third, proof, honest))).code, 0);
  const self = await one(f, await revealTx(f, offender, proof, own));
  t.is(self.code, 0, self.log);
  const payAt = response(self).rewardHeight;
  const taken = await one(f, await revealTx(f, third, proof, honest));
  t.is(taken.code, 0, taken.log);
  t.is(response(taken).slashed, "0", "not slashed a second time");
  t.is(response(taken).reward, REWARD.toString());
  t.is(response(taken).rewardHeight, payAt);
  while (f.height < payAt) await runBlock(f, [], v);
  t.is(await balance(f, third.address), thirdBefore - 2n * FEE + REWARD);
  t.is(await balance(f, offender.address), offenderBefore - 2n * FEE);
  t.is((await validatorState(f, v)).tokens, SELF_DELEGATION - SLASHED);
});

test("an unrelated reporter alone is paid the reporter share as before", async (t) => {
  const { f, v, third, proof } = await setup({ claimWindow: 2n });
  const before = await balance(f, third.address);
  const r = await commitAndReveal(f, third, proof);
  t.is(r.code, 0, r.log);
  t.is(response(r).reward, REWARD.toString());
  t.falsy(eventOf(r, "receipt_violation_reward_withheld"));
  await emptyBlocks(f, 2, v);
  t.is(await balance(f, third.address), before - 2n * FEE + REWARD);
});

test("the offender cannot take over an unrelated reporter's claim with an earlier commitment: refused, nothing changes", async (t) => {
  const { f, v, offender, third, proof } = await setup({ claimWindow: 4n });
  const thirdBefore = await balance(f, third.address);
  const [own, honest] = [newSalt(), newSalt()];
  t.is((await one(f, await commitTx(f, offender, proof, own))).code, 0);
  t.is((await one(f, await commitTx(f, third, proof, honest))).code, 0);
  // The third party's reveal lands first; the offender's earlier commitment would win it over.
  const first = await one(f, await revealTx(f, third, proof, honest));
  t.is(first.code, 0, first.log);
  const payAt = response(first).rewardHeight;
  const grab = await one(f, await revealTx(f, offender, proof, own));
  t.is(
    `${grab.codespace}/${grab.code}`,
    `${receiptsErrors.offenderReporter.codespace}/${receiptsErrors.offenderReporter.code}`,
  );
  while (f.height < payAt) await runBlock(f, [], v);
  t.is(await balance(f, third.address), thirdBefore - 2n * FEE + REWARD);
});

test("a delegator of the offender, bonded or unbonding, is paid nothing either", async (t) => {
  for (const unbonding of [false, true]) {
    const { f, v, offender, proof } = await setup({ claimWindow: 1n });
    const delegator = f.users[1]!;
    const stake = 100n * 1_000_000n;
    t.is((await one(f, await stakeTx(f, delegator, offender.address, stake))).code, 0);
    if (unbonding) t.is((await one(f, await stakeTx(f, delegator, offender.address, stake, true))).code, 0);
    const before = await balance(f, delegator.address);
    const r = await commitAndReveal(f, delegator, proof);
    t.is(r.code, 0, r.log);
    t.not(response(r).slashed, "0");
    t.is(response(r).reward, "0");
    t.regex(attr(eventOf(r, "receipt_violation_reward_withheld"), "reason") ?? "", /delegator/);
    await emptyBlocks(f, 2, v);
    t.is(await balance(f, delegator.address), before - 2n * FEE, unbonding ? "unbonding" : "bonded");
  }
});
