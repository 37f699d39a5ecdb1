import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toBech32 } from "@cosmjs/encoding";
import { addGenesisAccount, defaultGenesis, loadGenesis, writeGenesis } from "../../../genesis/genesis.js";
import { genesisIssues, validateGenesis } from "../../../genesis/validate.js";
import { parseCoins } from "../../../genesis/coins.js";
import type { GenesisDoc } from "../../../genesis/types.js";

const pubKey = new Uint8Array(32).fill(7);
const addr = (n: number): string => toBech32("strike", new Uint8Array(20).fill(n));

function base(): GenesisDoc {
  return defaultGenesis({
    chainId: "strike-local-1",
    validator: { pubKey, name: "node0" },
    genesisTime: "2025-01-01T00:00:00Z",
  });
}

test("the default genesis is valid, has one validator of power 10, and both denoms' metadata", (t) => {
  const g = base();
  t.deepEqual(genesisIssues(g), []);
  t.is(g.validators.length, 1);
  t.is(g.validators[0]!.power, "10");
  t.is(g.initial_height, "1");
  t.deepEqual(
    g.app_state.bank.denom_metadata.map((m) => m.base),
    ["ustrike", "uusdc"],
  );
  t.deepEqual(g.consensus_params.validator.pub_key_types, ["ed25519"]);
});

const breakages: [string, (g: GenesisDoc) => void, RegExp][] = [
  [
    "validators[0].pub_key.value",
    (g) => (g.validators[0]!.pub_key.value = "AAAA"),
    /^validators\[0\]\.pub_key\.value: not 32 bytes of base64/,
  ],
  [
    "validators[0].address",
    (g) => (g.validators[0]!.address = "00".repeat(20)),
    /^validators\[0\]\.address: does not match pub_key/,
  ],
  [
    "validators[0].power",
    (g) => (g.validators[0]!.power = "0"),
    /^validators\[0\]\.power: must be a positive integer string/,
  ],
  ["genesis_time", (g) => (g.genesis_time = "yesterday"), /^genesis_time: must be an RFC3339 time/],
  ["chain_id", (g) => (g.chain_id = ""), /^chain_id: /],
  ["initial_height", (g) => ((g as { initial_height: unknown }).initial_height = 1), /^initial_height: /],
  [
    "consensus_params.block.max_bytes",
    (g) => (g.consensus_params.block.max_bytes = "0"),
    /^consensus_params\.block\.max_bytes: /,
  ],
  [
    "consensus_params.block.max_bytes (past CometBFT's 100 MiB)",
    (g) => (g.consensus_params.block.max_bytes = "104857601"),
    /^consensus_params\.block\.max_bytes: at most 104857600/,
  ],
  [
    "consensus_params.block.max_gas (past int64)",
    (g) => (g.consensus_params.block.max_gas = "9223372036854775808"),
    /^consensus_params\.block\.max_gas: at most 9223372036854775807 \(int64\)/,
  ],
  [
    "consensus_params.evidence.max_age_num_blocks (past int64)",
    (g) => (g.consensus_params.evidence.max_age_num_blocks = "99999999999999999999"),
    /^consensus_params\.evidence\.max_age_num_blocks: at most 9223372036854775807 \(int64\)/,
  ],
  [
    "app_state.auth.accounts[0].address",
    (g) =>
      g.app_state.auth.accounts.push({
        "@type": "/cosmos.auth.v1beta1.BaseAccount",
        address: toBech32("cosmos", new Uint8Array(20)),
        pub_key: null,
        account_number: "0",
        sequence: "0",
      }),
    /^app_state\.auth\.accounts\[0\]\.address: "cosmos1\w+" has prefix "cosmos", expected "strike"/,
  ],
  [
    "app_state.bank.balances[0].coins[0].amount",
    (g) => g.app_state.bank.balances.push({ address: addr(1), coins: [{ denom: "ustrike", amount: "-5" }] }),
    /^app_state\.bank\.balances\[0\]\.coins\[0\]\.amount: must be positive, got -5ustrike/,
  ],
  [
    "app_state.bank.balances[0].coins[1].denom (unsorted)",
    (g) =>
      g.app_state.bank.balances.push({
        address: addr(1),
        coins: [
          { denom: "uusdc", amount: "1" },
          { denom: "ustrike", amount: "1" },
        ],
      }),
    /^app_state\.bank\.balances\[0\]\.coins\[1\]\.denom: coins must be sorted/,
  ],
  [
    "app_state.bank.supply",
    (g) => {
      g.app_state.bank.balances.push({ address: addr(1), coins: [{ denom: "ustrike", amount: "5" }] });
      g.app_state.bank.supply = [{ denom: "ustrike", amount: "6" }];
    },
    /^app_state\.bank\.supply: ustrike supply 6 does not equal the sum of balances 5/,
  ],
  [
    "app_state.bank.params.default_send_enabled",
    (g) => ((g.app_state.bank.params as { default_send_enabled: unknown }).default_send_enabled = "yes"),
    /^app_state\.bank\.params\.default_send_enabled: /,
  ],
];

for (const [name, breakIt, expected] of breakages) {
  test(`validation names the bad field: ${name}`, (t) => {
    const g = base();
    breakIt(g);
    const e = t.throws(() => validateGenesis(g));
    t.regex(e.message, expected);
  });
}

test("addGenesisAccount creates a BaseAccount and balance, keeps both sorted by address, and sets supply", (t) => {
  let g = base();
  g = addGenesisAccount(g, addr(9), parseCoins("100ustrike"));
  g = addGenesisAccount(g, addr(2), parseCoins("5uusdc,7ustrike"));
  t.deepEqual(
    g.app_state.auth.accounts.map((a) => a.address),
    [addr(2), addr(9)].sort(),
  );
  t.deepEqual(
    g.app_state.bank.balances.map((b) => b.address),
    [addr(2), addr(9)].sort(),
  );
  const acc = g.app_state.auth.accounts[0]!;
  t.deepEqual(acc, {
    "@type": "/cosmos.auth.v1beta1.BaseAccount",
    address: acc.address,
    pub_key: null,
    account_number: "0",
    sequence: "0",
  });
  t.deepEqual(g.app_state.bank.supply, [
    { denom: "ustrike", amount: "107" },
    { denom: "uusdc", amount: "5" },
  ]);
  t.deepEqual(genesisIssues(g), []);
});

test("adding to an existing account merges coins instead of duplicating the account", (t) => {
  let g = addGenesisAccount(base(), addr(3), parseCoins("10ustrike"));
  g = addGenesisAccount(g, addr(3), parseCoins("5ustrike,2uusdc"));
  t.is(g.app_state.auth.accounts.length, 1);
  t.deepEqual(g.app_state.bank.balances, [
    {
      address: addr(3),
      coins: [
        { denom: "ustrike", amount: "15" },
        { denom: "uusdc", amount: "2" },
      ],
    },
  ]);
  t.deepEqual(g.app_state.bank.supply, [
    { denom: "ustrike", amount: "15" },
    { denom: "uusdc", amount: "2" },
  ]);
});

test("addGenesisAccount leaves its input untouched and refuses a foreign prefix", (t) => {
  const g = base();
  addGenesisAccount(g, addr(3), parseCoins("10ustrike"));
  t.is(g.app_state.auth.accounts.length, 0);
  t.regex(
    t.throws(() => addGenesisAccount(g, toBech32("cosmos", new Uint8Array(20)), parseCoins("1ustrike"))).message,
    /expected "strike"/,
  );
});

test("parseCoins sorts, merges and rejects malformed amounts", (t) => {
  t.deepEqual(parseCoins("5uusdc, 3ustrike,2ustrike"), [
    { denom: "ustrike", amount: "5" },
    { denom: "uusdc", amount: "5" },
  ]);
  t.throws(() => parseCoins("ustrike"));
  t.throws(() => parseCoins("1.5ustrike"));
  t.throws(() => parseCoins(""));
});

test("write then load round-trips; loading a broken file names the file and the field", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "strike-genesis-"));
  const path = join(dir, "genesis.json");
  const g = addGenesisAccount(base(), addr(4), parseCoins("1ustrike"));
  writeGenesis(path, g);
  t.deepEqual(loadGenesis(path), g);
  const broken = structuredClone(g);
  broken.validators[0]!.pub_key.value = "@@";
  writeFileSync(path, JSON.stringify(broken));
  const e = t.throws(() => loadGenesis(path));
  t.true(e.message.includes(path));
  t.true(e.message.includes("validators[0].pub_key.value: not 32 bytes of base64"));
  writeFileSync(path, "{");
  t.regex(t.throws(() => loadGenesis(path)).message, /not valid JSON/);
  rmSync(dir, { recursive: true });
});

test("an option settlement window longer than the oracle's history is refused, naming both params", (t) => {
  const g = base();
  g.app_state["margin"] = { params: { settlement_twap_blocks: "5000" } };
  const issues = genesisIssues(g);
  t.is(issues.length, 1);
  t.regex(issues[0]!, /settlement_twap_blocks \(5000\) exceeds app_state\.oracle\.params\.history_blocks \(3600\)/);
});

test("each margin or oracle param error is reported once, not again by the settlement-window check", (t) => {
  const g = base();
  g.app_state["margin"] = { params: { max_funding_rate: "lots", funding_impact_notional: "0" } };
  t.deepEqual(genesisIssues(g), [
    'app_state.margin.params.max_funding_rate: "lots" is not a decimal: invalid margin genesis',
  ]);
  g.app_state["margin"] = { params: { funding_impact_notional: "0" } };
  t.deepEqual(genesisIssues(g), [
    "app_state.margin.params.funding_impact_notional must be at least 1 uusdc: invalid margin genesis",
  ]);
  const oracle = g.app_state["oracle"] as { params: Record<string, unknown> };
  g.app_state["margin"] = { params: {} };
  oracle.params["history_blocks"] = "soon";
  const issues = genesisIssues(g);
  t.is(issues.length, 1, issues.join("\n"));
  t.regex(issues[0]!, /history_blocks/);
});

test("a zero funding impact notional is refused: the best order alone would set funding again", (t) => {
  const g = base();
  t.is((g.app_state["margin"] as { params: Record<string, unknown> }).params["fundingImpactNotional"], "10000000000");
  g.app_state["margin"] = { params: { funding_impact_notional: "0" } };
  t.true(genesisIssues(g).some((i) => /funding_impact_notional must be at least 1 uusdc/.test(i)));
});

test("a funding interval of 0 blocks is refused: funding would never be paid", (t) => {
  const g = base();
  g.app_state["margin"] = { params: { funding_interval_blocks: "0" } };
  t.deepEqual(genesisIssues(g), [
    "app_state.margin.params.funding_interval_blocks must be at least 1 block: invalid margin genesis",
  ]);
  g.app_state["margin"] = { params: { funding_interval_blocks: "1" } };
  t.deepEqual(genesisIssues(g), []);
});

test("genesis validation runs each module's own genesis rules: one validation per field, not two that disagree", (t) => {
  const g = base();
  (g.app_state.bank as unknown as Record<string, unknown>)["denom_metdata"] = [];
  t.deepEqual(genesisIssues(g), [
    "app_state.bank.denom_metdata: unknown key; allowed here: params, balances, supply, denom_metadata, send_enabled: invalid bank genesis",
  ]);
});

test("a misspelt key in the protobuf-JSON sections (orderbook, margin) is refused, not silently ignored", (t) => {
  const g = base();
  const market = (g.app_state["orderbook"] as { markets: Record<string, unknown>[] }).markets[0]!;
  market["tick_sise"] = "1";
  (g.app_state["margin"] as { params: Record<string, unknown> }).params["liquidation_penalti"] = "0.01";
  const issues = genesisIssues(g);
  t.true(
    issues.some((i) =>
      /^app_state\.orderbook\.markets\[0\]\.tick_sise: unknown key; allowed here: id, type, underlying/.test(i),
    ),
    issues.join("\n"),
  );
  t.true(
    issues.some((i) => /^app_state\.margin\.params\.liquidation_penalti: unknown key/.test(i)),
    issues.join("\n"),
  );
});

test("a default genesis with a genesis time that is not a real RFC3339 time is refused by name (init, testnet --genesis-time)", (t) => {
  for (const genesisTime of ["garbage", "2026-13-45T00:00:00Z", "99999-01-01T00:00:00Z", "2026-01-01"]) {
    const e = t.throws(() =>
      defaultGenesis({ chainId: "strike-local-1", validator: { pubKey, name: "node0" }, genesisTime }),
    );
    t.regex(
      e.message,
      /^genesis_time: must be an RFC3339 time like 2025-01-01T00:00:00Z, got ".*": invalid genesis$/,
      genesisTime,
    );
  }
  t.is(base().genesis_time, "2025-01-01T00:00:00Z");
});

test("an initial_height past what the state store's versions hold is refused by validation, not at the first commit", (t) => {
  for (const initial_height of ["9223372036854775807", "99999999999999999999999"]) {
    t.deepEqual(
      genesisIssues({ ...base(), initial_height }).filter((i) => i.startsWith("initial_height")),
      [`initial_height: must be at most 9007199254740991, got "${initial_height}"`],
    );
  }
  t.deepEqual(genesisIssues({ ...base(), initial_height: "9007199254740991" }), []);
});
