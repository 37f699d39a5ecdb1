import test from "ava";
import { DOUBLE_SIGN_JAIL_END_SECONDS, slashingErrors } from "../../../../modules/slashing/index.js";
import { checkInvariants } from "../staking/invariants.js";
import {
  STRIKE,
  addr,
  consAddr,
  createChain,
  describeUpdates,
  doubleSign,
  msgs,
  slashingTestGenesis,
} from "../staking/fixture.js";

const chain = (slashing?: Record<string, unknown>) =>
  createChain({
    validators: [
      { operator: 1, strike: 100n },
      { operator: 2, strike: 100n },
      { operator: 3, strike: 100n },
    ],
    ...(slashing === undefined ? {} : { slashing }),
  });

test("double-sign evidence slashes 5%, tombstones and removes the validator; it can never unjail", (t) => {
  const c = chain();
  c.blocks(5);
  const res = c.block({ misbehavior: [doubleSign(2, 100n, 4n, c.time - 2n)] });
  t.deepEqual(describeUpdates(res.updates), [[2, 0n]]);
  const v = c.staking.validator(c.ctx(), addr(2))!;
  t.is(v.tokens, 95n * STRIKE);
  t.true(v.jailed);
  const info = c.slashing.signingInfo(c.ctx(), consAddr(2))!;
  t.true(info.tombstoned);
  t.is(info.jailedUntil, DOUBLE_SIGN_JAIL_END_SECONDS);
  c.block({ skip: 10n ** 9n });
  const unjail = c.deliver(msgs.unjail(2));
  t.true(slashingErrors.tombstoned.is(unjail.error), String(unjail.error));
  checkInvariants(t, c);
});

test("the same evidence twice, in one block or in the next, is counted once", (t) => {
  const c = chain();
  c.blocks(5);
  const ev = doubleSign(2, 100n, 4n, c.time);
  c.block({ misbehavior: [ev, ev] });
  c.block({ misbehavior: [ev] });
  c.block({ misbehavior: [{ ...ev, height: 5n }] });
  t.is(c.staking.validator(c.ctx(), addr(2))!.tokens, 95n * STRIKE);
  t.is(c.staking.communityPool(c.ctx())[0]!.amount, 5n * STRIKE, "the slashed tokens went to the community pool");
  checkInvariants(t, c);
});

test("evidence older than both max ages is ignored; old in blocks but recent in time still counts", (t) => {
  const g = slashingTestGenesis();
  Object.assign(g.params as object, { max_evidence_age_blocks: "5", max_evidence_age_seconds: "100" });
  const c = chain(g);
  c.blocks(20);
  const res = c.block({ misbehavior: [doubleSign(1, 100n, 2n, c.time - 200n)] });
  t.deepEqual(res.updates, []);
  t.is(c.staking.validator(c.ctx(), addr(1))!.tokens, 100n * STRIKE);
  t.true(res.events.some((e) => e.type === "evidence_expired"));
  c.block({ misbehavior: [doubleSign(1, 100n, 2n, c.time - 50n)] });
  t.is(c.staking.validator(c.ctx(), addr(1))!.tokens, 95n * STRIKE);
});

test("evidence about an unknown key or from the future changes nothing", (t) => {
  const c = chain();
  c.blocks(3);
  const before = c.staking.validators(c.ctx()).map((v) => v.tokens);
  c.block({ misbehavior: [doubleSign(9, 100n, 2n, c.time), doubleSign(1, 100n, 99n, c.time)] });
  t.deepEqual(
    c.staking.validators(c.ctx()).map((v) => v.tokens),
    before,
  );
});

test("unbonding begun after the infraction is slashed too, unbonding begun before is not; shares stay and lose value", (t) => {
  const c = chain();
  c.send(msgs.delegate(5, 2, 20n * STRIKE)); // height 1
  c.blocks(3);
  c.send(msgs.undelegate(5, 2, 4n * STRIKE)); // height 5: before the infraction
  c.blocks(3);
  c.send(msgs.undelegate(5, 2, 2n * STRIKE)); // height 9: after it
  const infraction = 10n; // dated back by the update delay to height 8
  c.block({ misbehavior: [doubleSign(2, 120n, infraction, c.time)] });
  const [early, late] = c.staking.unbondingsOf(c.ctx(), addr(5));
  t.is(early!.balance, (4n * STRIKE).toString());
  t.is(late!.balance, (2n * STRIKE - 100_000n).toString(), "5% of 2 STRIKE");
  // 5% of 120 power = 6 STRIKE; 0.1 came from the entry, 5.9 from the validator's 114.
  const v = c.staking.validator(c.ctx(), addr(2))!;
  t.is(v.tokens, 114n * STRIKE - 5_900_000n);
  t.is(c.staking.delegation(c.ctx(), addr(5), addr(2)), 14n * 10n ** 24n, "14 STRIKE of shares, unchanged");
  t.is(c.staking.delegationTokens(c.ctx(), addr(5), addr(2)), (14n * v.tokens) / 114n);
  checkInvariants(t, c);
});

test("a validator that is already jailed can still be slashed and tombstoned for double signing", (t) => {
  const c = chain();
  c.block();
  c.slashing.setParams(c.ctx(), { ...c.slashing.params(c.ctx()), slashFractionDowntime: 0n });
  c.staking.jail(c.ctx(), consAddr(2));
  c.block();
  c.block({ misbehavior: [doubleSign(2, 100n, 2n, c.time)] });
  t.true(c.slashing.signingInfo(c.ctx(), consAddr(2))!.tombstoned);
  t.is(c.staking.validator(c.ctx(), addr(2))!.tokens, 95n * STRIKE);
});
