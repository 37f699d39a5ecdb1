import test, { type ExecutionContext } from "ava";
import {
  MsgCreateValidator,
  MsgDelegate,
  MsgUndelegateResponse,
  MsgWithdrawRewardsResponse,
} from "../../../../chain/codec/generated/strike/staking/v1/tx.js";
import { sdkErrors, type RegisteredError } from "../../../../chain/types/errors.js";
import { stakingErrors } from "../../../../modules/staking/index.js";
import { ed25519 } from "@noble/curves/ed25519.js";
import { verifyEd25519 } from "../../../../chain/crypto/ed25519.js";
import { utf8 } from "../../../../chain/types/bytes.js";
import { STRIKE, addr, createChain, msgs, pubKey, type Chain, type MsgResult } from "./fixture.js";

function rejects(
  t: ExecutionContext,
  c: Chain,
  msg: { typeUrl: string; value: Uint8Array },
  err: RegisteredError,
  label: string,
): void {
  const before = c.snapshot();
  const res: MsgResult = c.deliver(msg);
  t.false(res.ok, label);
  t.true(err.is(res.error), `${label}: ${String(res.error)}`);
  t.is(c.snapshot(), before, `${label}: state unchanged`);
}

const chain = () => createChain({ validators: [{ operator: 1, strike: 100n }] });

test("create-validator rejects bad keys, monikers, commissions, amounts and denoms with coded errors", (t) => {
  const c = chain();
  rejects(t, c, msgs.createValidator(1, 10n, { key: 7 }), stakingErrors.validatorExists, "operator already has one");
  rejects(t, c, msgs.createValidator(2, 10n, { key: 1 }), stakingErrors.pubKeyInUse, "key of validator 1");
  rejects(t, c, msgs.createValidator(2, 10n, { moniker: "" }), stakingErrors.invalidMoniker, "empty moniker");
  rejects(
    t,
    c,
    msgs.createValidator(2, 10n, { moniker: "x".repeat(71) }),
    stakingErrors.invalidMoniker,
    "long moniker",
  );
  rejects(t, c, msgs.createValidator(2, 10n, { rate: "0.3" }), stakingErrors.invalidCommission, "rate above max rate");
  rejects(t, c, msgs.createValidator(2, 10n, { rate: "-0.1" }), stakingErrors.invalidCommission, "negative rate");
  rejects(
    t,
    c,
    msgs.createValidator(2, 10n, { maxRate: "1.5", rate: "0.1" }),
    stakingErrors.invalidCommission,
    "max rate above 1",
  );
  rejects(
    t,
    c,
    msgs.createValidator(2, 10n, { maxChange: "0.5" }),
    stakingErrors.invalidCommission,
    "max change above max rate",
  );
  rejects(t, c, msgs.createValidator(2, 10n, { rate: "ten" }), stakingErrors.invalidCommission, "rate not a decimal");
  rejects(t, c, msgs.createValidator(2, 0n), stakingErrors.invalidAmount, "zero self-delegation");
  rejects(t, c, msgs.createValidator(2, 10n, { denom: "uusdc" }), stakingErrors.wrongDenom, "collateral is not stake");
  rejects(t, c, msgs.createValidator(2, 10_000_000n), sdkErrors.insufficientFunds, "more than the balance");
});

test("a consensus key that is not 32 bytes is rejected", (t) => {
  const c = chain();
  const m = msgs.createValidator(2, 10n);
  const decoded = MsgCreateValidator.decode(m.value);
  const bad = {
    typeUrl: m.typeUrl,
    value: MsgCreateValidator.encode({ ...decoded, pubkey: decoded.pubkey.subarray(0, 31) }).finish(),
  };
  rejects(t, c, bad, stakingErrors.invalidPubKey, "31-byte key");
});

test("a consensus key anyone could sign for is rejected: small order, mixed order or not a canonical point", (t) => {
  const c = chain();
  const m = msgs.createValidator(2, 10n);
  const decoded = MsgCreateValidator.decode(m.value);
  const withKey = (pubkey: Uint8Array) => ({
    typeUrl: m.typeUrl,
    value: MsgCreateValidator.encode({ ...decoded, pubkey }).finish(),
  });
  const identity = new Uint8Array(32);
  identity[0] = 1;
  // Under the identity as key, R = identity and S = 0 verify for every message (node:crypto).
  const forged = new Uint8Array(64);
  forged[0] = 1;
  t.true(verifyEd25519(identity, utf8("any vote"), forged));
  rejects(t, c, withKey(identity), stakingErrors.invalidPubKey, "identity point");
  // A small-order point of order 4: (0, -1).
  const minusOne = new Uint8Array(32).fill(0xff);
  minusOne[0] = 0xec;
  minusOne[31] = 0x7f;
  rejects(t, c, withKey(minusOne), stakingErrors.invalidPubKey, "order-4 point");
  // y = p + 1 encodes the identity's y non-canonically (2^255 - 18).
  const nonCanonical = new Uint8Array(32).fill(0xff);
  nonCanonical[0] = 0xee;
  nonCanonical[31] = 0x7f;
  rejects(t, c, withKey(nonCanonical), stakingErrors.invalidPubKey, "non-canonical y");
  // A real key plus a torsion point: the same key to a cofactored check, another to ours.
  const real = ed25519.Point.fromBytes(pubKey(9));
  const mixed = real.add(ed25519.Point.fromBytes(minusOne)).toBytes();
  rejects(t, c, withKey(mixed), stakingErrors.invalidPubKey, "mixed-order point");
  // And a real key passes the same way.
  t.true(c.deliver(withKey(pubKey(9))).ok);
});

test("delegate and undelegate reject unknown validators, non-positive amounts, wrong denoms and excess", (t) => {
  const c = chain();
  c.send(msgs.delegate(5, 1, 10n * STRIKE));
  rejects(t, c, msgs.delegate(5, 9, STRIKE), stakingErrors.validatorNotFound, "unknown validator");
  rejects(t, c, msgs.delegate(5, 1, 0n), stakingErrors.invalidAmount, "zero");
  rejects(t, c, msgs.delegate(5, 1, STRIKE, "uusdc"), stakingErrors.wrongDenom, "wrong denom");
  rejects(t, c, msgs.undelegate(5, 9, STRIKE), stakingErrors.validatorNotFound, "undelegate from unknown");
  rejects(t, c, msgs.undelegate(6, 1, STRIKE), stakingErrors.delegationNotFound, "never delegated");
  rejects(t, c, msgs.undelegate(5, 1, 10n * STRIKE + 1n), stakingErrors.insufficientStake, "one more than delegated");
  rejects(t, c, msgs.undelegate(5, 1, 0n), stakingErrors.invalidAmount, "zero undelegation");
  const negative = msgs.delegate(5, 1, 1n);
  const d = MsgDelegate.decode(negative.value);
  rejects(
    t,
    c,
    {
      typeUrl: negative.typeUrl,
      value: MsgDelegate.encode({ ...d, amount: { denom: "ustrike", amount: "-5" } }).finish(),
    },
    stakingErrors.invalidAmount,
    "negative",
  );
  rejects(
    t,
    c,
    { typeUrl: negative.typeUrl, value: MsgDelegate.encode({ ...d, validatorAddress: "strike1nope" }).finish() },
    sdkErrors.invalidAddress,
    "bad address",
  );
});

test("undelegating the whole delegation removes it and answers the completion time", (t) => {
  const c = chain();
  c.send(msgs.delegate(5, 1, 10n * STRIKE));
  const res = c.send(msgs.undelegate(5, 1, 10n * STRIKE));
  t.true(res.ok);
  t.is(MsgUndelegateResponse.decode(res.response!).completionTime, c.time + 100n);
  t.is(c.staking.delegation(c.ctx(), addr(5), addr(1)), 0n);
  t.deepEqual(c.staking.delegationsOf(c.ctx(), addr(5)), []);
});

test("edit-validator changes the moniker, and the commission only within the max change and once a day", (t) => {
  const c = chain();
  t.true(c.send(msgs.editValidator(1, { moniker: "renamed" })).ok);
  t.is(c.staking.validator(c.ctx(), addr(1))!.moniker, "renamed");
  // Genesis validators last changed their rate at time 0, so a change is allowed now.
  rejects(
    t,
    c,
    msgs.editValidator(1, { rate: "0.12" }),
    stakingErrors.commissionChangeTooLarge,
    "0.1 → 0.12 with max change 0.01",
  );
  rejects(t, c, msgs.editValidator(1, { rate: "0.3" }), stakingErrors.invalidCommission, "above max rate");
  t.true(c.send(msgs.editValidator(1, { rate: "0.11" })).ok);
  rejects(
    t,
    c,
    msgs.editValidator(1, { rate: "0.1" }),
    stakingErrors.commissionChangeTooSoon,
    "second change the same day",
  );
  c.block({ skip: 86_400n });
  t.true(c.send(msgs.editValidator(1, { rate: "0.1" })).ok);
  rejects(t, c, msgs.editValidator(9, { moniker: "x" }), stakingErrors.validatorNotFound, "unknown validator");
});

test("withdraw-rewards from a validator one never delegated to is rejected", (t) => {
  const c = chain();
  rejects(t, c, msgs.withdrawRewards(5, 1), stakingErrors.nothingToWithdraw, "no delegation");
  rejects(t, c, msgs.withdrawRewards(5, 9), stakingErrors.validatorNotFound, "unknown validator");
  const res = c.send(msgs.withdrawRewards(1, 1));
  t.true(res.ok, "the operator may always withdraw");
  t.deepEqual(MsgWithdrawRewardsResponse.decode(res.response!).amount, []);
});
