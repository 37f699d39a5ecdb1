import test from "ava";
import { STRIKE, addr, createChain, describeUpdates, msgs, pubKey } from "./fixture.js";

test("genesis validators are the bonded set, and an unchanged set sends no updates", (t) => {
  const c = createChain({
    validators: [
      { operator: 1, strike: 100n },
      { operator: 2, strike: 50n },
    ],
  });
  t.deepEqual(
    c.staking.lastValidatorUpdates(c.ctx()).map((u) => u.power),
    [100n, 50n],
  );
  t.deepEqual(c.blocks(3), [[], [], []]);
});

test("a created validator appears in the end-block updates with power tokens / 10^6", (t) => {
  const c = createChain({ validators: [{ operator: 1, strike: 100n }] });
  const res = c.block({ msgs: [msgs.createValidator(2, 40n)] });
  t.true(res.results[0]!.ok);
  t.deepEqual(describeUpdates(res.updates), [[2, 40n]]);
  t.is(c.staking.validator(c.ctx(), addr(2))!.bonded, true);
  t.is(c.staking.totalBondedPower(c.ctx()), 140n);
});

test("stake below one power unit gives no power and no seat", (t) => {
  const c = createChain({ validators: [{ operator: 1, strike: 100n }] });
  const res = c.block({ msgs: [msgs.createValidator(2, 0n)] });
  t.false(res.results[0]!.ok, "zero self-delegation is rejected");
  const small = c.block({
    msgs: [msgs.createValidator(3, 1n), msgs.undelegate(3, 3, STRIKE / 2n)],
  });
  t.true(small.results.every((r) => r.ok));
  t.deepEqual(small.updates, [], "half a STRIKE is power 0");
});

test("delegating increases the validator's power in the next updates", (t) => {
  const c = createChain({ validators: [{ operator: 1, strike: 100n }] });
  const res = c.block({ msgs: [msgs.delegate(5, 1, 25n * STRIKE)] });
  t.true(res.results[0]!.ok);
  t.deepEqual(describeUpdates(res.updates), [[1, 125n]]);
  t.is(c.staking.delegationTokens(c.ctx(), addr(5), addr(1)), 25n * STRIKE);
});

test("undelegating lowers power at once and pays out only after the unbonding time", (t) => {
  const c = createChain({ validators: [{ operator: 1, strike: 100n }] });
  c.send(msgs.delegate(5, 1, 30n * STRIKE));
  const before = c.bank.getBalance(c.ctx(), addr(5), "ustrike");
  const res = c.block({ msgs: [msgs.undelegate(5, 1, 10n * STRIKE)] });
  t.true(res.results[0]!.ok);
  t.deepEqual(describeUpdates(res.updates), [[1, 120n]]);
  const completion = c.staking.unbondingsOf(c.ctx(), addr(5))[0]!.completionTime;
  t.is(completion, c.time + 100n);
  c.block({ skip: 98n });
  t.true(c.time < completion);
  t.is(c.bank.getBalance(c.ctx(), addr(5), "ustrike"), before, "nothing paid before maturity");
  c.block();
  t.is(c.time, completion);
  t.is(c.bank.getBalance(c.ctx(), addr(5), "ustrike"), before + 10n * STRIKE);
  t.deepEqual(c.staking.unbondingsOf(c.ctx(), addr(5)), []);
});

test("max validators keeps the strongest: a stronger newcomer pushes the weakest out with a power-0 update", (t) => {
  const c = createChain({
    validators: [
      { operator: 1, strike: 100n },
      { operator: 2, strike: 80n },
      { operator: 3, strike: 60n },
    ],
  });
  const res = c.block({ msgs: [msgs.createValidator(4, 70n)] });
  t.deepEqual(describeUpdates(res.updates), [
    [4, 70n],
    [3, 0n],
  ]);
  const v3 = c.staking.validator(c.ctx(), addr(3))!;
  t.false(v3.bonded);
  t.deepEqual(
    c.staking.bondedValidators(c.ctx()).map((v) => v.operator),
    [addr(1), addr(2), addr(4)],
  );
  t.deepEqual(c.staking.poolBalances(c.ctx()), { bonded: 250n * STRIKE, notBonded: 60n * STRIKE });
  // A delegation lifts the outsider back in, and the weakest member leaves.
  const back = c.block({ msgs: [msgs.delegate(5, 3, 15n * STRIKE)] });
  t.deepEqual(describeUpdates(back.updates), [
    [3, 75n],
    [4, 0n],
  ]);
});

test("validators with equal power are ordered by operator address, and the cut keeps the lower address", (t) => {
  const c = createChain({
    validators: [
      { operator: 9, strike: 50n },
      { operator: 3, strike: 50n },
      { operator: 6, strike: 50n },
      { operator: 1, strike: 50n },
    ],
  });
  t.deepEqual(
    c.staking.bondedValidators(c.ctx()).map((v) => v.operator),
    [addr(1), addr(3), addr(6)],
  );
  t.deepEqual(
    c.staking.lastValidatorUpdates(c.ctx()).map((u) => u.pubKey),
    [pubKey(1), pubKey(3), pubKey(6)],
  );
});

test("the same blocks on two fresh chains leave identical state", (t) => {
  const run = () => {
    const c = createChain({
      validators: [
        { operator: 1, strike: 100n },
        { operator: 2, strike: 80n },
      ],
    });
    c.block({ msgs: [msgs.createValidator(3, 90n), msgs.delegate(4, 2, 7n * STRIKE)] });
    c.block({ msgs: [msgs.undelegate(4, 2, 3n * STRIKE), msgs.createValidator(5, 10n)] });
    c.blocks(3);
    return c.snapshot();
  };
  t.is(run(), run());
});
