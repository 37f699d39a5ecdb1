import test from "ava";
import { validateBankGenesis, defaultBankGenesis } from "../../../modules/bank/genesis.js";
import { validateAuthGenesis, defaultAuthGenesis, baseAccountJson } from "../../../modules/auth/genesis.js";
import { testAccount } from "../runtime/fixture.js";

async function bankWith(balances: unknown[]) {
  return { ...defaultBankGenesis(), balances };
}

test("the default genesis validates, with ustrike and uusdc metadata", (t) => {
  const bank = validateBankGenesis(defaultBankGenesis());
  t.deepEqual(
    bank.denomMetadata.map((m) => m.base),
    ["ustrike", "uusdc"],
  );
  t.is(validateAuthGenesis(defaultAuthGenesis()).accounts.length, 0);
});

test("a bad genesis amount is reported with its full field path", async (t) => {
  const a = await testAccount(1, 0n);
  const good = { address: a.address, coins: [{ denom: "ustrike", amount: "1" }] };
  const cases: [string, RegExp][] = [
    ["-1", /malformed amount|must be positive/],
    ["0", /must be positive/],
    [(1n << 256n).toString(), /overflows 256 bits/],
    ["1.5", /malformed amount/],
  ];
  for (const [amount, why] of cases) {
    const b2 = await testAccount(2, 1n);
    const b3 = await testAccount(3, 2n);
    const g = await bankWith([
      good,
      { address: b2.address, coins: [{ denom: "ustrike", amount: "1" }] },
      { address: b3.address, coins: [{ denom: "ustrike", amount }] },
    ]);
    const e = t.throws(() => validateBankGenesis(g));
    t.true(e!.message.startsWith("app_state.bank.balances[2].coins[0].amount: "), e!.message);
    t.regex(e!.message, why);
  }
});

test("invalid denoms, addresses, duplicates and a wrong supply are rejected naming the field", async (t) => {
  const a = await testAccount(1, 0n);
  const msg = (g: unknown) => t.throws(() => validateBankGenesis(g))!.message;
  t.regex(
    msg(await bankWith([{ address: a.address, coins: [{ denom: "$bad", amount: "1" }] }])),
    /^app_state.bank.balances\[0\].coins\[0\].denom: invalid denom/,
  );
  t.regex(
    msg(await bankWith([{ address: "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu", coins: [] }])),
    /^app_state.bank.balances\[0\].address: "cosmos1\w+" has prefix "cosmos", expected "strike"/,
  );
  const bal = { address: a.address, coins: [{ denom: "ustrike", amount: "5" }] };
  t.regex(msg(await bankWith([bal, bal])), /^app_state.bank.balances\[1\].address: duplicate/);
  t.regex(
    msg({ ...(await bankWith([bal])), supply: [{ denom: "ustrike", amount: "6" }] }),
    /^app_state.bank.supply: ustrike supply 6 does not equal the sum of balances 5/,
  );
  t.regex(
    msg({
      ...(await bankWith([
        {
          address: a.address,
          coins: [
            { denom: "uusdc", amount: "1" },
            { denom: "ustrike", amount: "1" },
          ],
        },
      ])),
    }),
    /sorted/,
  );
});

test("auth genesis rejects bad accounts naming the field, and accepts Cosmos' JSON form", async (t) => {
  const a = await testAccount(1, 0n);
  const b = await testAccount(2, 0n);
  const ok = validateAuthGenesis({
    ...defaultAuthGenesis(),
    accounts: [baseAccountJson(a.address, 0n), baseAccountJson(b.address, 1n)],
  });
  t.is(ok.accounts[1]!.accountNumber, 1n);
  const msg = (accounts: unknown[]) =>
    t.throws(() => validateAuthGenesis({ ...defaultAuthGenesis(), accounts }))!.message;
  t.regex(
    msg([baseAccountJson(a.address, 0n), { ...baseAccountJson(b.address, 1n), address: "strike1xyz" }]),
    /^app_state.auth.accounts\[1\].address: "strike1xyz" is not valid bech32/,
  );
  t.regex(
    msg([baseAccountJson(a.address, 0n), baseAccountJson(a.address, 1n)]),
    /^app_state.auth.accounts\[1\].address: duplicate/,
  );
  // As the SDK's SanitizeGenesisAccounts: repeated account numbers (add-genesis-account writes 0) are renumbered.
  const renumbered = validateAuthGenesis({
    ...defaultAuthGenesis(),
    accounts: [baseAccountJson(a.address, 0n), baseAccountJson(b.address, 0n)],
  });
  t.deepEqual(
    renumbered.accounts.map((x) => [x.address, x.accountNumber]),
    [
      [a.address, 0n],
      [b.address, 1n],
    ],
  );
  t.regex(
    msg([{ ...baseAccountJson(a.address), "@type": "/cosmos.vesting.v1beta1.DelayedVestingAccount" }]),
    /^app_state.auth.accounts\[0\].@type: must be "\/cosmos.auth.v1beta1.BaseAccount" or/,
  );
  t.regex(msg([{ ...baseAccountJson(a.address), sequence: "-1" }]), /^app_state.auth.accounts\[0\].sequence/);
});

test("an unknown key in bank or auth genesis is refused, naming the key and the keys allowed there", async (t) => {
  const a = await testAccount(1, 0n);
  const bankJson = { ...(await bankWith([])), denom_metdata: [] };
  const bank = t.throws(() => validateBankGenesis(bankJson))!;
  t.regex(
    bank.message,
    /^app_state\.bank\.denom_metdata: unknown key; allowed here: params, balances, supply, denom_metadata, send_enabled/,
  );
  const auth = t.throws(() =>
    validateAuthGenesis({ ...defaultAuthGenesis(), accounts: [{ ...baseAccountJson(a.address, 0n), sequnce: "0" }] }),
  )!;
  t.regex(auth.message, /^app_state\.auth\.accounts\[0\]\.sequnce: unknown key/);
});
