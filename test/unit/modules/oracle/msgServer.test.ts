import test from "ava";
import { sdkErrors, type StrikeError } from "../../../../chain/types/errors.js";
import { decFromString } from "../../../../chain/types/fixed/index.js";
import { oracleErrors } from "../../../../modules/oracle/index.js";
import { attr, createOracleFixture, feederAddress, oracleGenesis } from "./fixture.js";

const A = feederAddress(1);
const STRANGER = feederAddress(9);

test("a vote from an account that is not a feeder is rejected and records nothing", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]]));
  const before = f.snapshot();
  const err = t.throws<StrikeError>(() => f.submit(5n, STRANGER, { ETH: "1" }));
  t.true(oracleErrors.notFeeder.is(err));
  t.is(err.codespace, "oracle");
  t.is(err.code, 4);
  t.is(f.snapshot(), before);
});

test("malformed, zero and negative prices are rejected with a coded error and change nothing", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]]));
  const before = f.snapshot();
  for (const price of ["-1", "0", "0.000", "abc", "", "1e5", " 3000", "3,000", "1.0000000000000000001", "+5"]) {
    const err = t.throws(() => f.submit(5n, A, { BTC: "60000", ETH: price }), undefined, price);
    t.true(oracleErrors.invalidPrice.is(err), `${price}: ${err.message}`);
  }
  t.is(f.snapshot(), before);
});

test("bad submissions are rejected with their own codes before any vote is written", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]]));
  const before = f.snapshot();
  t.true(oracleErrors.noPrices.is(t.throws(() => f.submit(5n, A, {}))));
  t.true(oracleErrors.invalidAsset.is(t.throws(() => f.submit(5n, A, { eth: "1" }))));
  t.true(oracleErrors.unknownAsset.is(t.throws(() => f.submit(5n, A, { ETH: "3000", DOGE: "0.1" }))));
  t.true(sdkErrors.invalidAddress.is(t.throws(() => f.submit(5n, "strike1nope", { ETH: "3000" }))));
  t.is(f.snapshot(), before);
});

test("an asset named twice in one submission is rejected", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]]));
  const before = f.snapshot();
  const err = t.throws(() =>
    f.submit(5n, A, [
      ["ETH", "3000"],
      ["ETH", "3100"],
    ]),
  );
  t.true(oracleErrors.duplicateAsset.is(err));
  t.is(f.snapshot(), before);
});

test("an accepted vote emits oracle_vote per asset and counts at end block", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]]));
  const events = f.submit(5n, A, { ETH: "3001.5", BTC: "65000" });
  t.deepEqual(
    events.filter((e) => e.type === "oracle_vote").map((e) => [attr(e, "feeder"), attr(e, "asset"), attr(e, "price")]),
    [
      [A, "ETH", "3001.500000000000000000"],
      [A, "BTC", "65000.000000000000000000"],
    ],
  );
  f.endBlock(5n);
  t.is(f.keeper.getPrice(f.ctxAt(6n), "ETH")!.price, decFromString("3001.5"));
});
