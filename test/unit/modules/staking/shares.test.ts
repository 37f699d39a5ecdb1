import test from "ava";
import fc from "fast-check";
import { DEC_SCALE } from "../../../../chain/types/fixed/index.js";
import { sharesForTokens, tokensOfShares, unbondShares } from "../../../../modules/staking/shares.js";
import { stakingErrors } from "../../../../modules/staking/index.js";
import { assertProperty } from "../../../helpers/property.js";

/** A validator after some slashing: tokens ≤ shares (in token units), both positive. */
const rate = fc
  .tuple(fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.integer({ min: 0, max: 9_999 }))
  .map(([shareTokens, slashedBp]) => ({
    shares: shareTokens * DEC_SCALE,
    tokens: (shareTokens * BigInt(10_000 - slashedBp)) / 10_000n || 1n,
  }));

test("the first delegation gets one share per token", (t) => {
  t.is(sharesForTokens({ tokens: 0n, shares: 0n }, 5n), 5n * DEC_SCALE);
});

test("a validator with shares but no tokens takes no delegations", (t) => {
  const err = t.throws(() => sharesForTokens({ tokens: 0n, shares: DEC_SCALE }, 5n));
  t.true(stakingErrors.invalidExchangeRate.is(err));
});

test("delegating never makes existing shares worth less", (t) => {
  assertProperty(
    t,
    fc.property(
      rate,
      fc.bigInt({ min: 1n, max: 10n ** 15n }),
      fc.bigInt({ min: 1n, max: 10n ** 15n }),
      (v, held, amount) => {
        const heldShares = v.shares < held ? v.shares : held;
        const before = tokensOfShares(v, heldShares);
        const added = sharesForTokens(v, amount);
        const after = tokensOfShares({ tokens: v.tokens + amount, shares: v.shares + added }, heldShares);
        return (
          after >= before && tokensOfShares({ tokens: v.tokens + amount, shares: v.shares + added }, added) <= amount
        );
      },
    ),
  );
});

test("unbonding pays what was asked, burns enough shares, and never leaves tokens without shares", (t) => {
  assertProperty(
    t,
    fc.property(rate, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), (v, heldPct, askPct) => {
      const held = (v.shares * BigInt(heldPct)) / 100n || 1n;
      const worth = tokensOfShares(v, held);
      const amount = (worth * BigInt(askPct)) / 100n;
      if (amount === 0n) return true;
      const out = unbondShares(v, amount, held);
      const rest = { tokens: v.tokens - out.tokens, shares: v.shares - out.shares };
      const othersBefore = tokensOfShares(v, v.shares - held);
      const othersAfter = tokensOfShares(rest, rest.shares - (held - out.shares));
      return (
        out.tokens >= amount &&
        out.shares <= held &&
        rest.tokens >= 0n &&
        (rest.shares > 0n || rest.tokens === 0n) &&
        othersAfter >= othersBefore
      );
    }),
  );
});
