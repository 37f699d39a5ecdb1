/**
 * Without a listed feeder set the bonded validators vote, weighted by their power, from
 * their operator account or from the feeder account registered for them; staleness is
 * block time, so fast blocks do not age a price.
 */
import test from "ava";
import { decFromString } from "../../../../chain/types/fixed/index.js";
import type { StoreSource } from "../../../../chain/runtime/collection.js";
import { createOracleFeederWeights, oracleErrors, type ValidatorPowers } from "../../../../modules/oracle/index.js";
import { createOracleFixture, feederAddress, oracleGenesis } from "./fixture.js";

const OP1 = feederAddress(1);
const OP2 = feederAddress(2);
const OP3 = feederAddress(3);
const HOT1 = feederAddress(11);
const OUTSIDER = feederAddress(9);

/** Three bonded validators with powers 60, 30 and 10. */
const powers: ValidatorPowers = {
  powerOf: (_src: StoreSource, op: string) => ({ [OP1]: 60n, [OP2]: 30n, [OP3]: 10n })[op],
  totalPower: () => 100n,
};

function validatorChain(params: Record<string, string> = {}) {
  const genesis = { ...(oracleGenesis([], params) as object), validator_feeders: [{ validator: OP1, feeder: HOT1 }] };
  return createOracleFixture(genesis, { weights: createOracleFeederWeights(powers) });
}

test("bonded validators vote with their power, and the weighted median follows the stake", (t) => {
  const f = validatorChain();
  f.submit(2n, HOT1, { ETH: "3100" });
  f.submit(2n, OP2, { ETH: "2000" });
  f.submit(2n, OP3, { ETH: "2000" });
  f.endBlock(2n);
  // 60 of 100 at 3100: the stake-weighted median is 3100 although two of three voted 2000.
  t.is(f.keeper.getPrice(f.ctxAt(3n), "ETH")!.price, decFromString("3100"));
});

test("an operator that registered a feeder account cannot vote a second time itself", (t) => {
  const f = validatorChain();
  t.is(f.keeper.weights.weightOf(f.ctxAt(2n), HOT1), 60n);
  t.is(f.keeper.weights.weightOf(f.ctxAt(2n), OP1), 0n);
  t.true(oracleErrors.notFeeder.is(t.throws(() => f.submit(2n, OP1, { ETH: "1" }))));
});

test("an account that is neither a bonded operator nor a registered feeder is not a feeder", (t) => {
  const f = validatorChain();
  const before = f.snapshot();
  t.true(oracleErrors.notFeeder.is(t.throws(() => f.submit(2n, OUTSIDER, { ETH: "1" }))));
  t.is(f.snapshot(), before);
});

test("validators holding less than half of the power cannot move the price", (t) => {
  const f = validatorChain();
  f.submit(2n, OP2, { ETH: "1" });
  f.submit(2n, OP3, { ETH: "1" });
  f.endBlock(2n);
  t.is(f.keeper.getPrice(f.ctxAt(3n), "ETH")!.price, decFromString("3000"));
});

test("a listed feeder set takes precedence: validators do not vote on a permissioned oracle", (t) => {
  const f = createOracleFixture(oracleGenesis([[OUTSIDER, 1]]), { weights: createOracleFeederWeights(powers) });
  t.is(f.keeper.weights.weightOf(f.ctxAt(2n), OP1), 0n);
  t.is(f.keeper.weights.weightOf(f.ctxAt(2n), OUTSIDER), 1n);
});

test("staleness counts seconds of block time, not blocks", (t) => {
  // 100 ms blocks would be 0 s apart at whole-second resolution: 1000 blocks later the
  // price is still fresh; with 10 s blocks it is stale after 4 blocks.
  const fast = createOracleFixture(oracleGenesis([], { stale_after_seconds: "30" }), { secondsPerBlock: 0n });
  t.false(fast.keeper.getPrice(fast.ctxAt(1000n), "ETH")!.stale);
  const slow = createOracleFixture(oracleGenesis([], { stale_after_seconds: "30" }), { secondsPerBlock: 10n });
  t.false(slow.keeper.getPrice(slow.ctxAt(4n), "ETH")!.stale);
  t.true(slow.keeper.getPrice(slow.ctxAt(5n), "ETH")!.stale);
  t.true(slow.keeper.isStale(slow.ctxAt(5n), "ETH"));
  t.true(slow.keeper.isStale(slow.ctxAt(5n), "DOGE"));
});
