import test from "ava";
import { toBase64, toHex } from "../../../../chain/types/bytes.js";
import {
  addGenesisValidator,
  genesisConsensusValidators,
  stakingErrors,
  stakingPoolBalances,
  validateStakingGenesis,
} from "../../../../modules/staking/index.js";
import { STRIKE, addr, consAddr, createChain, moduleAddr, pubKey, stakingGenesisFor } from "./fixture.js";

type Json = Record<string, unknown>;
const base = (): Json =>
  stakingGenesisFor([
    { operator: 1, strike: 100n },
    { operator: 2, strike: 50n },
  ]);
const validator = (g: Json, i: number) => (g.validators as Json[])[i]!;

const cases: [string, (g: Json) => void, string][] = [
  [
    "an invalid operator address",
    (g) => (validator(g, 0).operator_address = "strike1bad"),
    "validators[0].operator_address",
  ],
  [
    "a consensus key of 31 bytes",
    (g) => ((validator(g, 0).consensus_pubkey as Json).key = toBase64(new Uint8Array(31))),
    "validators[0].consensus_pubkey",
  ],
  [
    "a small-order consensus key (the identity point: anyone could sign for it)",
    (g) => ((validator(g, 0).consensus_pubkey as Json).key = toBase64(Uint8Array.of(1, ...new Uint8Array(31)))),
    "validators[0].consensus_pubkey",
  ],
  ["the same operator twice", (g) => (validator(g, 1).operator_address = addr(1)), "validators[1].operator_address"],
  [
    "the same consensus key twice",
    (g) => (validator(g, 1).consensus_pubkey = validator(g, 0).consensus_pubkey),
    "validators[1].consensus_pubkey",
  ],
  ["a rate above the max rate", (g) => ((validator(g, 0).commission as Json).rate = "0.5"), "validators[0].commission"],
  ["an empty moniker", (g) => (validator(g, 0).moniker = ""), "validators[0].moniker"],
  ["negative tokens", (g) => (validator(g, 0).tokens = "-1"), "validators[0].tokens"],
  [
    "shares that are not the sum of the delegations",
    (g) => (validator(g, 0).delegator_shares = "1.0"),
    "validators[0].delegator_shares",
  ],
  [
    "a delegation to an unknown validator",
    (g) => ((g.delegations as Json[])[0]!.validator_address = addr(9)),
    "delegations[0].validator_address",
  ],
  ["zero max validators", (g) => ((g.params as Json).max_validators = 0), "params.max_validators"],
  ["zero power reduction", (g) => ((g.params as Json).power_reduction = "0"), "params.power_reduction"],
  ["a bad bond denom", (g) => ((g.params as Json).bond_denom = "$"), "params.bond_denom"],
  [
    "an unbonding balance above its initial balance",
    (g) =>
      (g.unbonding_delegations = [
        {
          delegator_address: addr(3),
          validator_address: addr(1),
          completion_time: "5",
          initial_balance: "1",
          balance: "2",
        },
      ]),
    "unbonding_delegations[0].balance",
  ],
];

for (const [what, mutate, field] of cases) {
  test(`genesis with ${what} is rejected naming ${field}`, (t) => {
    const g = structuredClone(base());
    mutate(g);
    const err = t.throws(() => validateStakingGenesis(g));
    t.true(stakingErrors.invalidGenesis.is(err), String(err));
    t.true(err.message.includes(`app_state.staking.${field}`), err.message);
  });
}

test("addGenesisValidator refuses a second validator with the same key", (t) => {
  const g = base();
  const err = t.throws(() =>
    addGenesisValidator(g, { operator: addr(3), consPubKey: pubKey(1), moniker: "copy", selfDelegation: STRIKE }),
  );
  t.true(stakingErrors.invalidGenesis.is(err));
});

test("the genesis validators list, the pool balances and the set bonded by initGenesis agree", (t) => {
  const g = stakingGenesisFor([
    { operator: 1, strike: 100n },
    { operator: 2, strike: 50n },
    { operator: 3, strike: 70n },
    { operator: 4, strike: 10n },
  ]);
  const comet = genesisConsensusValidators(g);
  t.deepEqual(
    comet.map((v) => [v.address, v.power, v.name]),
    [
      [toHex(consAddr(1)).toUpperCase(), "100", "val-1"],
      [toHex(consAddr(3)).toUpperCase(), "70", "val-3"],
      [toHex(consAddr(2)).toUpperCase(), "50", "val-2"],
    ],
  );
  t.deepEqual(
    stakingPoolBalances(g).map((p) => [p.address, p.amount]),
    [
      [moduleAddr("bonded_tokens_pool"), 220n * STRIKE],
      [moduleAddr("not_bonded_tokens_pool"), 10n * STRIKE],
    ],
  );
  const c = createChain({ staking: g });
  t.deepEqual(
    c.staking.lastValidatorUpdates(c.ctx()).map((u) => [toBase64(u.pubKey), u.power.toString()]),
    comet.map((v) => [v.pub_key.value, v.power]),
  );
  t.false(c.staking.validator(c.ctx(), addr(4))!.bonded);
});

test("initGenesis fails when the bonded pool's balance does not match the bonded tokens", (t) => {
  const err = t.throws(() => createChain({ validators: [{ operator: 1, strike: 100n }], bondedPoolSurplus: 1n }));
  t.true(stakingErrors.invalidGenesis.is(err), String(err));
  t.regex(err.message, /bonded_tokens_pool account holds 100000001ustrike but the bonded validators have 100000000/);
});

test("an unknown key anywhere in the staking genesis is refused, naming it and the keys allowed there", (t) => {
  const places: [string, (g: Json) => void, RegExp][] = [
    [
      "top level",
      (g) => (g.validator = []),
      /app_state\.staking\.validator: unknown key; allowed here: params, validators/,
    ],
    [
      "params",
      (g) => ((g.params as Json).unbonding_time = "10"),
      /app_state\.staking\.params\.unbonding_time: unknown key; allowed here: unbonding_time_seconds/,
    ],
    [
      "a validator",
      (g) => (validator(g, 0).status = "BOND_STATUS_BONDED"),
      /app_state\.staking\.validators\[0\]\.status: unknown key/,
    ],
    [
      "a commission",
      (g) => ((validator(g, 0).commission as Json).rates = {}),
      /app_state\.staking\.validators\[0\]\.commission\.rates: unknown key/,
    ],
    [
      "a consensus key",
      (g) => ((validator(g, 0).consensus_pubkey as Json).value = "x"),
      /app_state\.staking\.validators\[0\]\.consensus_pubkey\.value: unknown key; allowed here: @type, key/,
    ],
    [
      "a delegation",
      (g) => ((g.delegations as Json[])[0]!.amount = "1"),
      /app_state\.staking\.delegations\[0\]\.amount: unknown key/,
    ],
  ];
  for (const [where, mutate, message] of places) {
    const g = base();
    mutate(g);
    const err = t.throws(() => validateStakingGenesis(g), undefined, where);
    t.true(stakingErrors.invalidGenesis.is(err), where);
    t.regex(err.message, message, where);
  }
});

test("a staking genesis value of the wrong type is refused, naming its key", (t) => {
  const places: [string, (g: Json) => void, string][] = [
    ["validators not a list", (g) => (g.validators = {}), "validators"],
    ["params not an object", (g) => (g.params = "x"), "params"],
    ["a commission not an object", (g) => (validator(g, 0).commission = "0.1"), "validators[0].commission"],
    ["tokens as a decimal", (g) => (validator(g, 0).tokens = "1.5"), "validators[0].tokens"],
    ["jailed as a string", (g) => (validator(g, 0).jailed = "no"), "validators[0].jailed"],
  ];
  for (const [what, mutate, field] of places) {
    const g = base();
    mutate(g);
    const err = t.throws(() => validateStakingGenesis(g), undefined, what);
    t.true(stakingErrors.invalidGenesis.is(err), what);
    t.true(err.message.includes(`app_state.staking.${field}`), `${what}: ${err.message}`);
  }
});
