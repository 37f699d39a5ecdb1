/**
 * MsgRegisterFeeder: a bonded validator created after genesis names the hot account that
 * votes its power (what genesis' validator_feeders does for the first set). Only the
 * operator can name it, one feeder per validator, and no account can take another
 * validator's weight or vote twice.
 */
import test from "ava";
import type { StoreSource } from "../../../../chain/runtime/collection.js";
import { decFromString } from "../../../../chain/types/fixed/index.js";
import { sdkErrors } from "../../../../chain/types/errors.js";
import { QueryFeedersRequest, QueryFeedersResponse } from "../../../../chain/codec/generated/strike/oracle/v1/query.js";
import { createOracleFeederWeights, oracleErrors, type ValidatorPowers } from "../../../../modules/oracle/index.js";
import { attr, createOracleFixture, feederAddress, oracleGenesis } from "./fixture.js";

const OP1 = feederAddress(1);
const OP2 = feederAddress(2);
const OP3 = feederAddress(3);
const HOT1 = feederAddress(11);
const HOT2 = feederAddress(12);
const HOT3 = feederAddress(13);
const OUTSIDER = feederAddress(9);

/** Three bonded validators with powers 60, 30 and 10; OP1's feeder HOT1 comes from genesis. */
const powers: ValidatorPowers = {
  powerOf: (_src: StoreSource, op: string) => ({ [OP1]: 60n, [OP2]: 30n, [OP3]: 10n })[op],
  totalPower: () => 100n,
};

function chain() {
  const genesis = { ...(oracleGenesis([]) as object), validator_feeders: [{ validator: OP1, feeder: HOT1 }] };
  return createOracleFixture(genesis, { weights: createOracleFeederWeights(powers), validators: powers });
}

test("a bonded validator's operator registers a feeder: it votes with the validator's power, and the operator no longer does", (t) => {
  const f = chain();
  t.is(f.keeper.weights.weightOf(f.ctxAt(2n), OP2), 30n);
  const events = f.register(2n, OP2, HOT2);
  const e = events.find((x) => x.type === "register_feeder")!;
  t.is(attr(e, "validator"), OP2);
  t.is(attr(e, "feeder"), HOT2);
  t.is(f.keeper.weights.weightOf(f.ctxAt(3n), HOT2), 30n);
  t.is(f.keeper.weights.weightOf(f.ctxAt(3n), OP2), 0n, "one validator, one weight");
  t.true(oracleErrors.notFeeder.is(t.throws(() => f.submit(3n, OP2, { ETH: "1" }))));
  // Its vote is taken, under its own name.
  const vote = f.submit(3n, HOT2, { ETH: "3200" }).find((x) => x.type === "oracle_vote")!;
  t.is(attr(vote, "feeder"), HOT2);
  // HOT1 (60) and HOT2 (30) at 3200 outweigh OP3 (10) at 1.
  f.submit(3n, HOT1, { ETH: "3200" });
  f.submit(3n, OP3, { ETH: "1" });
  f.endBlock(3n);
  t.is(f.keeper.getPrice(f.ctxAt(4n), "ETH")!.price, decFromString("3200"));
});

test("registering again replaces the earlier feeder, which stops counting; the same pair again changes nothing", (t) => {
  const f = chain();
  const events = f.register(2n, OP1, HOT3);
  t.is(
    attr(
      events.find((x) => x.type === "register_feeder")!,
      "replaced",
    ),
    HOT1,
  );
  t.is(f.keeper.weights.weightOf(f.ctxAt(3n), HOT3), 60n);
  t.is(f.keeper.weights.weightOf(f.ctxAt(3n), HOT1), 0n);
  t.true(oracleErrors.notFeeder.is(t.throws(() => f.submit(3n, HOT1, { ETH: "1" }))));
  t.deepEqual(f.keeper.listValidatorFeeders(f.ctxAt(3n)), [{ validator: OP1, feeder: HOT3 }]);
  const before = f.snapshot();
  f.register(3n, OP1, HOT3);
  t.is(f.snapshot(), before);
});

test("only the operator signs it: a feeder cannot register itself for a validator", (t) => {
  const f = chain();
  t.deepEqual(f.registerSigners(OP2, HOT2), [OP2]);
});

test("refused, with nothing changed: an operator that is not bonded, its own account, another operator, another validator's feeder, a bad address", (t) => {
  const f = chain();
  const before = f.snapshot();
  t.true(oracleErrors.notValidator.is(t.throws(() => f.register(2n, OUTSIDER, HOT2))));
  t.true(oracleErrors.feederTaken.is(t.throws(() => f.register(2n, OP2, OP2))));
  // Taking another validator's operator account would silence that validator's own vote.
  t.true(oracleErrors.feederTaken.is(t.throws(() => f.register(2n, OP2, OP3))));
  // Taking OP1's feeder would move OP1's 60 to OP2.
  t.true(oracleErrors.feederTaken.is(t.throws(() => f.register(2n, OP2, HOT1))));
  t.true(sdkErrors.invalidAddress.is(t.throws(() => f.register(2n, OP2, "strike1notanaddress"))));
  t.true(sdkErrors.invalidAddress.is(t.throws(() => f.register(2n, "cosmos1xyz", HOT2))));
  t.is(f.snapshot(), before);
  t.is(f.keeper.weights.weightOf(f.ctxAt(3n), HOT1), 60n);
});

test("a validator that is no longer bonded cannot register, and its feeder's weight follows its power to 0", (t) => {
  let bonded = true;
  const changing: ValidatorPowers = {
    powerOf: (_src, op) => (op === OP1 ? (bonded ? 50n : undefined) : undefined),
    totalPower: () => (bonded ? 50n : 0n),
  };
  const f = createOracleFixture(oracleGenesis([]), {
    weights: createOracleFeederWeights(changing),
    validators: changing,
  });
  f.register(2n, OP1, HOT1);
  t.is(f.keeper.weights.weightOf(f.ctxAt(3n), HOT1), 50n);
  bonded = false;
  t.is(f.keeper.weights.weightOf(f.ctxAt(3n), HOT1), 0n);
  t.true(oracleErrors.notValidator.is(t.throws(() => f.register(3n, OP1, HOT2))));
});

test("the Feeders query lists the registered validator feeders with the weight their votes carry", (t) => {
  const f = chain();
  f.register(2n, OP2, HOT2);
  const res = QueryFeedersResponse.decode(
    f.query("/strike.oracle.v1.Query/Feeders", QueryFeedersRequest.encode({}).finish(), 3n),
  );
  t.deepEqual(res.feeders, [], "no permissioned list: the validators vote");
  t.is(res.totalWeight, 100n);
  t.deepEqual(
    [...res.validatorFeeders].sort((a, b) => Number(b.weight - a.weight)),
    [
      { validator: OP1, feeder: HOT1, weight: 60n },
      { validator: OP2, feeder: HOT2, weight: 30n },
    ],
  );
});
