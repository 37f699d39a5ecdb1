import test from "ava";
import { defaultSlashingGenesis, validateSlashingGenesis } from "../../../../modules/slashing/genesis.js";
import { defaultSlashingParams } from "../../../../modules/slashing/state.js";

const ADDR = "a".repeat(40);

test("the default slashing genesis parses back to the default params", (t) => {
  t.deepEqual(validateSlashingGenesis(defaultSlashingGenesis()), { params: defaultSlashingParams(), signingInfos: [] });
});

test("slashing genesis is refused field by field, naming the key and what is allowed", (t) => {
  const params = (defaultSlashingGenesis() as { params: Record<string, unknown> }).params;
  const cases: [unknown, RegExp][] = [
    [{ params: { ...params, signed_blocks_window: "0" } }, /params\.signed_blocks_window: must be at least 1/],
    [
      { params: { ...params, signed_blocks_window: "100001" } },
      /params\.signed_blocks_window: must be between 1 and 100000/,
    ],
    [
      { params: { ...params, slash_fraction_double_sign: "1.5" } },
      /params\.slash_fraction_double_sign: must be between 0 and 1/,
    ],
    [
      { params: { ...params, min_signed_per_window: "half" } },
      /params\.min_signed_per_window: must be a decimal string/,
    ],
    [
      { params: { ...params, slash_fraction_downtme: "0.01" } },
      /params\.slash_fraction_downtme: unknown key; allowed here: signed_blocks_window/,
    ],
    [{ signing_infos: [{ address: "xyz" }] }, /signing_infos\[0\]\.address: must be 40 hex characters/],
    [
      { signing_infos: [{ address: ADDR }, { address: ADDR.toUpperCase() }] },
      /signing_infos\[1\]\.address: duplicate signing info/,
    ],
    [{ signing_infos: [{ address: ADDR, tombstoned: "yes" }] }, /signing_infos\[0\]\.tombstoned: must be a boolean/],
  ];
  for (const [raw, why] of cases) {
    const e = t.throws(() => validateSlashingGenesis(raw))!;
    t.regex(e.message, new RegExp(`^app_state\\.slashing\\.${why.source}`));
  }
});

test("signing infos keep their counters and an upper-case address", (t) => {
  const g = validateSlashingGenesis({ signing_infos: [{ address: ADDR, jailed_until: "99", tombstoned: true }] });
  t.deepEqual(g.signingInfos, [
    {
      address: ADDR.toUpperCase(),
      startHeight: 0n,
      indexOffset: 0n,
      jailedUntil: 99n,
      tombstoned: true,
      missedBlocksCounter: 0n,
    },
  ]);
});
