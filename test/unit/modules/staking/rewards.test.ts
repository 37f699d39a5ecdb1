import test from "ava";
import fc from "fast-check";
import { MsgWithdrawRewardsResponse } from "../../../../chain/codec/generated/strike/staking/v1/tx.js";
import { DISTRIBUTION_ACCOUNT } from "../../../../modules/staking/index.js";
import { assertProperty } from "../../../helpers/property.js";
import { checkInvariants } from "./invariants.js";
import { STRIKE, addr, balanceOf, createChain, moduleAddr, msgs, payFees } from "./fixture.js";

const coins = (c: readonly { denom: string; amount: bigint }[]) => c.map((x) => `${x.amount}${x.denom}`).join(",");

function rewardsChain() {
  const c = createChain({
    validators: [
      { operator: 1, strike: 100n, commission: "0.1" },
      { operator: 2, strike: 300n, commission: "0.2" },
    ],
  });
  c.send(msgs.delegate(5, 2, 100n * STRIKE));
  return c;
}

test("fees are split by power, each validator keeps its commission, delegators share the rest by shares", (t) => {
  const c = rewardsChain();
  payFees(c, 6, 1000n);
  payFees(c, 6, 777n, "uusdc");
  c.block();
  const ctx = c.ctx();
  t.is(balanceOf(c, moduleAddr("fee_collector")), 0n);
  // ustrike: v1 gets 1000×100/500 = 200 (commission 20); v2 gets 800 (commission 160, 640 to 400 shares).
  // uusdc: v1 155, v2 621, 1 left over; v1 commission 15; v2 commission 124, 497 to its delegators.
  t.is(coins(c.staking.pendingCommission(ctx, addr(1))), "20ustrike,15uusdc");
  t.is(coins(c.staking.pendingRewards(ctx, addr(1), addr(1))), "180ustrike,140uusdc");
  t.is(coins(c.staking.pendingCommission(ctx, addr(2))), "160ustrike,124uusdc");
  t.is(coins(c.staking.pendingRewards(ctx, addr(2), addr(2))), "480ustrike,372uusdc");
  t.is(coins(c.staking.pendingRewards(ctx, addr(5), addr(2))), "160ustrike,124uusdc");
  t.is(coins(c.staking.communityPool(ctx)), "1uusdc");
  checkInvariants(t, c);
});

test("withdraw-rewards pays the delegation's rewards, and the operator also its commission", (t) => {
  const c = rewardsChain();
  payFees(c, 6, 1000n);
  c.block();
  const before5 = balanceOf(c, addr(5));
  const res5 = c.send(msgs.withdrawRewards(5, 2));
  t.true(res5.ok);
  t.is(balanceOf(c, addr(5)) - before5, 160n);
  t.deepEqual(MsgWithdrawRewardsResponse.decode(res5.response!).amount, [{ denom: "ustrike", amount: "160" }]);
  const before2 = balanceOf(c, addr(2));
  t.true(c.send(msgs.withdrawRewards(2, 2)).ok);
  t.is(balanceOf(c, addr(2)) - before2, 480n + 160n);
  t.deepEqual(c.staking.pendingRewards(c.ctx(), addr(5), addr(2)), []);
  t.deepEqual(c.staking.pendingCommission(c.ctx(), addr(2)), []);
  // A second withdrawal pays nothing more.
  t.true(c.send(msgs.withdrawRewards(5, 2)).ok);
  t.is(balanceOf(c, addr(5)) - before5, 160n);
  checkInvariants(t, c);
});

test("a delegation earns only from fees allocated after it joined, and changing it pays what it had earned", (t) => {
  const c = rewardsChain();
  payFees(c, 6, 1000n);
  c.block();
  c.send(msgs.delegate(4, 2, 100n * STRIKE));
  t.deepEqual(c.staking.pendingRewards(c.ctx(), addr(4), addr(2)), []);
  const before5 = balanceOf(c, addr(5));
  c.send(msgs.delegate(5, 2, STRIKE));
  t.is(balanceOf(c, addr(5)), before5 - STRIKE + 160n, "the pending 160 was paid when the delegation grew");
  t.deepEqual(c.staking.pendingRewards(c.ctx(), addr(5), addr(2)), []);
  checkInvariants(t, c);
});

test("with no bonded validator, fees stay in the fee collector", (t) => {
  const c = createChain();
  payFees(c, 6, 500n);
  c.block();
  t.is(coins(c.staking.communityPool(c.ctx())), "");
  t.is(balanceOf(c, moduleAddr(DISTRIBUTION_ACCOUNT)), 0n);
  t.is(balanceOf(c, moduleAddr("fee_collector")), 500n);
});

const op = fc.oneof(
  fc.record({
    kind: fc.constant("delegate" as const),
    who: fc.integer({ min: 3, max: 6 }),
    to: fc.integer({ min: 1, max: 3 }),
    strike: fc.bigInt({ min: 1n, max: 500n }),
  }),
  fc.record({
    kind: fc.constant("undelegate" as const),
    who: fc.integer({ min: 1, max: 6 }),
    to: fc.integer({ min: 1, max: 3 }),
    part: fc.integer({ min: 1, max: 100 }),
  }),
  fc.record({
    kind: fc.constant("fees" as const),
    amount: fc.bigInt({ min: 1n, max: 10_000_000n }),
    usdc: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("withdraw" as const),
    who: fc.integer({ min: 1, max: 6 }),
    to: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ kind: fc.constant("skip" as const), seconds: fc.bigInt({ min: 0n, max: 150n }) }),
);

test("through any mix of delegations, unbondings, fees and withdrawals, balances sum to the supply and every pool covers its claims", (t) => {
  assertProperty(
    t,
    fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
      const c = createChain({
        validators: [
          { operator: 1, strike: 100n, commission: "0.05" },
          { operator: 2, strike: 70n, commission: "0.5" },
          { operator: 3, strike: 30n, commission: "0" },
        ],
      });
      for (const o of ops) {
        if (o.kind === "delegate") c.send(msgs.delegate(o.who, o.to, o.strike * STRIKE));
        else if (o.kind === "undelegate") {
          const worth = c.staking.delegationTokens(c.ctx(), addr(o.who), addr(o.to));
          if (worth > 0n) c.send(msgs.undelegate(o.who, o.to, (worth * BigInt(o.part)) / 100n || 1n));
        } else if (o.kind === "fees") payFees(c, 6, o.amount, o.usdc ? "uusdc" : "ustrike");
        else if (o.kind === "withdraw") c.send(msgs.withdrawRewards(o.who, o.to));
        else c.block({ skip: o.seconds });
      }
      c.block();
      return checkInvariants(undefined, c);
    }),
    { numRuns: 40 },
  );
});
