import test from "ava";
import { decFromString } from "../../../../chain/types/fixed/index.js";
import {
  addOracleFeeder,
  DEFAULT_ORACLE_PARAMS,
  defaultOracleGenesis,
  exportOracleGenesis,
  oracleErrors,
  validateOracleGenesis,
} from "../../../../modules/oracle/index.js";
import { createOracleFixture, feederAddress, oracleGenesis } from "./fixture.js";

const A = feederAddress(1);
const B = feederAddress(2);
const C = feederAddress(3);

test("the default genesis has ETH and BTC with positive prices, default params and no feeders", (t) => {
  const g = validateOracleGenesis(defaultOracleGenesis());
  t.deepEqual(
    g.assets.map((a) => a.asset),
    ["BTC", "ETH"],
  );
  t.true(g.assets.every((a) => a.price > 0n));
  t.deepEqual(g.params, DEFAULT_ORACLE_PARAMS);
  t.deepEqual(g.feeders, []);
});

test("a fresh chain has its genesis prices at once, fresh", (t) => {
  const f = createOracleFixture(defaultOracleGenesis());
  const eth = f.keeper.requireFreshPrice(f.ctxAt(2n), "ETH");
  t.is(eth.price, decFromString("3000"));
  t.is(eth.height, 1n);
});

test("an absent oracle section initializes the default genesis", (t) => {
  const f = createOracleFixture(undefined);
  t.is(f.keeper.getPrice(f.ctxAt(2n), "BTC")!.price, decFromString("60000"));
});

test("bad genesis entries are rejected with the field that is wrong", (t) => {
  const cases: [unknown, RegExp][] = [
    [
      oracleGenesis([], {}, [
        ["ETH", "3000"],
        ["ETH", "3100"],
      ]),
      /assets\[1\]\.asset: duplicate asset ETH/,
    ],
    [oracleGenesis([], {}, [["ETH", "-3000"]]), /assets\[0\]\.price: .*invalid price/],
    [oracleGenesis([], {}, [["ETH", "0"]]), /assets\[0\]\.price: .*not positive/],
    [oracleGenesis([], {}, [["ETH", "3k"]]), /assets\[0\]\.price/],
    [oracleGenesis([], {}, [["eth", "1"]]), /assets\[0\]\.asset: must be 1-16 upper-case letters and digits/],
    [
      oracleGenesis([
        [A, 1],
        [A, 2],
      ]),
      /feeders\[1\]\.address: duplicate feeder/,
    ],
    [oracleGenesis([["strike1bad", 1]]), /feeders\[0\]\.address: "strike1bad" is not valid bech32/],
    [oracleGenesis([[A, 0]]), /feeders\[0\]\.weight: must be at least 1/],
    [
      { ...(oracleGenesis([]) as object), feeders: [{ address: A, weight: 1 }] },
      /feeders\[0\]\.weight: must be an unsigned/,
    ],
    [oracleGenesis([], { stale_after_seconds: "0" }), /params\.stale_after_seconds: must be at least 1/],
    [oracleGenesis([], { history_blocks: "x" }), /params\.history_blocks: must be an unsigned integer/],
    [{ assets: "ETH" }, /app_state\.oracle\.assets: .*expected array/],
    ["oracle", /app_state\.oracle: .*expected object/],
    [
      oracleGenesis([], { stale_after_blocks: "100" }),
      /params\.stale_after_blocks: unknown key; allowed here: max_vote_age_blocks, stale_after_seconds, history_blocks/,
    ],
    [
      {
        ...(oracleGenesis([]) as object),
        validator_feeders: [
          { validator: A, feeder: B },
          { validator: A, feeder: C },
        ],
      },
      /validator_feeders\[1\]\.validator: duplicate validator/,
    ],
  ];
  for (const [g, why] of cases) {
    const err = t.throws(() => validateOracleGenesis(g), undefined, String(why));
    t.true(oracleErrors.invalidGenesis.is(err), err.message);
    t.regex(err.message, why);
  }
});

test("addOracleFeeder adds feeders sorted by address and replaces a weight", (t) => {
  const once = addOracleFeeder(undefined, B, 2n);
  const twice = addOracleFeeder(once, A, 1n);
  const again = addOracleFeeder(twice, B, 5n);
  const expected = [
    { address: A, weight: 1n },
    { address: B, weight: 5n },
  ].sort((x, y) => (x.address < y.address ? -1 : 1));
  t.deepEqual(validateOracleGenesis(again).feeders, expected);
  // The rest of the section is kept.
  t.deepEqual(validateOracleGenesis(again).assets, validateOracleGenesis(defaultOracleGenesis()).assets);
  t.true(oracleErrors.invalidGenesis.is(t.throws(() => addOracleFeeder(undefined, "strike1bad", 1n))));
  t.true(oracleErrors.invalidGenesis.is(t.throws(() => addOracleFeeder(undefined, A, 0n))));
});

test("export gives back a genesis that validates, with current prices", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 3]], { history_blocks: "100" }));
  f.submit(2n, A, { ETH: "3001.25" });
  f.endBlock(2n);
  const exported = exportOracleGenesis(f.ctxAt(3n), f.keeper);
  t.deepEqual(exported, {
    params: { max_vote_age_blocks: "10", stale_after_seconds: "30", history_blocks: "100" },
    assets: [
      { asset: "BTC", price: "60000" },
      { asset: "ETH", price: "3001.25" },
    ],
    feeders: [{ address: A, weight: "3" }],
    validator_feeders: [],
  });
  t.notThrows(() => validateOracleGenesis(exported));
});
