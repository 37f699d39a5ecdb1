import test from "ava";
import { slashingErrors } from "../../../../modules/slashing/index.js";
import { checkInvariants } from "../staking/invariants.js";
import { STRIKE, addr, consAddr, createChain, describeUpdates, msgs, votesMissing } from "../staking/fixture.js";

// Window 10, at least half signed (at most 5 missed), 60 s in jail, 0.01% slashed.
const chain = () =>
  createChain({
    validators: [
      { operator: 1, strike: 100n },
      { operator: 2, strike: 100n },
      { operator: 3, strike: 100n },
    ],
  });

test("a validator that misses more than the window allows is slashed, jailed, and leaves the set with a power-0 update", (t) => {
  const c = chain();
  c.block();
  const updates: [number, bigint][][] = [];
  for (let h = 2; h <= 13; h++) updates.push(describeUpdates(c.block({ votes: votesMissing(c, [3]) }).updates));
  // Seen first at height 2: judged only past height 12, when 10 of its last 10 votes are missing.
  t.deepEqual(updates.slice(0, 11), Array(11).fill([]));
  t.deepEqual(updates[11], [[3, 0n]]);
  const v = c.staking.validator(c.ctx(), addr(3))!;
  t.true(v.jailed);
  t.false(v.bonded);
  t.is(v.tokens, 100n * STRIKE - 10_000n, "0.01% of 100 power × 10^6");
  const info = c.slashing.signingInfo(c.ctx(), consAddr(3))!;
  t.is(info.jailedUntil, c.time + 60n);
  t.is(info.missedBlocksCounter, 0n);
  t.false(info.tombstoned);
  checkInvariants(t, c);
});

test("missing no more than the window allows is not punished", (t) => {
  const c = chain();
  c.block();
  for (let h = 2; h <= 30; h++) {
    const res = c.block({ votes: votesMissing(c, h % 2 === 0 ? [3] : []) });
    t.deepEqual(res.updates, []);
  }
  t.false(c.staking.validator(c.ctx(), addr(3))!.jailed);
  t.is(c.slashing.signingInfo(c.ctx(), consAddr(3))!.missedBlocksCounter, 5n);
});

test("unjail is refused before the jail time ends and returns the validator to the set after", (t) => {
  const c = chain();
  c.block();
  for (let h = 2; h <= 13; h++) c.block({ votes: votesMissing(c, [3]) });
  const early = c.deliver(msgs.unjail(3));
  t.true(slashingErrors.validatorJailed.is(early.error), String(early.error));
  c.block({ skip: 58n });
  const back = c.block({ skip: 1n, msgs: [msgs.unjail(3)] });
  t.true(back.results[0]!.ok, String(back.results[0]!.error));
  t.deepEqual(describeUpdates(back.updates), [[3, 99n]], "99.99 STRIKE is power 99");
  t.false(c.staking.validator(c.ctx(), addr(3))!.jailed);
  checkInvariants(t, c);
});

test("unjail is refused for a validator that is not jailed, an unknown one, or one without self-delegation", (t) => {
  const c = chain();
  t.true(slashingErrors.validatorNotJailed.is(c.deliver(msgs.unjail(1)).error));
  t.true(slashingErrors.noValidator.is(c.deliver(msgs.unjail(9)).error));
  c.send(msgs.delegate(5, 2, 10n * STRIKE));
  c.send(msgs.undelegate(2, 2, 100n * STRIKE));
  t.true(slashingErrors.missingSelfDelegation.is(c.deliver(msgs.unjail(2)).error));
});
