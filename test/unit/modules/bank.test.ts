import test from "ava";
import { MODULE_ACCOUNTS } from "../../../app/strikeApp.js";
import * as bq from "cosmjs-types/cosmos/bank/v1beta1/query";
import {
  QueryAccountRequest,
  QueryParamsRequest as AuthParamsRequest,
  QueryParamsResponse as AuthParamsResponse,
} from "cosmjs-types/cosmos/auth/v1beta1/query";
import {
  INITIAL_BALANCE,
  balance,
  createFixture,
  query,
  runBlock,
  sendMsg,
  signTx,
  testAccount,
  type TestAccount,
} from "../runtime/fixture.js";
import { concatBytes, fromUtf8 } from "../../../chain/types/bytes.js";
import { addressToBech32, moduleAddressBytes } from "../../../chain/crypto/address.js";
import { moduleStorePrefix } from "../../../chain/runtime/prefixStore.js";
import { createBankKeeper } from "../../../modules/bank/keeper.js";
import { balances } from "../../../modules/bank/state.js";

test("an unknown account query fails with Cosmos' exact NotFound log, which cosmjs maps to null", async (t) => {
  const f = await createFixture();
  const stranger = await testAccount(99, 0n);
  const res = await query(
    f,
    "/cosmos.auth.v1beta1.Query/Account",
    QueryAccountRequest.encode({ address: stranger.address }).finish(),
  );
  t.not(res.code, 0);
  t.is(res.log, `rpc error: code = NotFound desc = account ${stranger.address} not found: key not found`);
});

test("auth params are queryable with Cosmos defaults", async (t) => {
  const f = await createFixture();
  const res = await query(f, "/cosmos.auth.v1beta1.Query/Params", AuthParamsRequest.encode({}).finish());
  const p = AuthParamsResponse.decode(res.value).params!;
  t.is(p.txSizeCostPerByte, 10n);
  t.is(p.sigVerifyCostSecp256k1, 1000n);
  t.is(p.maxMemoCharacters, 256n);
});

test("a first receipt creates the recipient's account with the next account number", async (t) => {
  const f = await createFixture();
  const [a] = f.accounts as [TestAccount];
  const fresh = await testAccount(50, 0n);
  await runBlock(f, [
    await signTx(a, { msgs: [sendMsg(a.address, fresh.address, [{ denom: "uusdc", amount: "42" }])] }),
  ]);
  t.is(await balance(f, fresh.address, "uusdc"), 42n);
  const { account } = await import("../runtime/fixture.js");
  // 3 genesis accounts (0..2), then the module accounts, then the new account.
  t.is((await account(f, fresh.address))!.accountNumber, BigInt(3 + Object.keys(MODULE_ACCOUNTS).length));
});

test("total supply is computed at genesis and unchanged by transfers", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts as [TestAccount, TestAccount];
  await runBlock(f, [await signTx(a, { msgs: [sendMsg(a.address, b.address, [{ denom: "ustrike", amount: "10" }])] })]);
  const res = bq.QueryTotalSupplyResponse.decode(
    (await query(f, "/cosmos.bank.v1beta1.Query/TotalSupply", bq.QueryTotalSupplyRequest.encode({}).finish())).value,
  );
  t.deepEqual(res.supply, [
    { denom: "ustrike", amount: (INITIAL_BALANCE * 3n).toString() },
    { denom: "uusdc", amount: (INITIAL_BALANCE * 3n).toString() },
  ]);
  const of = bq.QuerySupplyOfResponse.decode(
    (await query(f, "/cosmos.bank.v1beta1.Query/SupplyOf", bq.QuerySupplyOfRequest.encode({ denom: "uusdc" }).finish()))
      .value,
  );
  t.is(of.amount!.amount, (INITIAL_BALANCE * 3n).toString());
});

test("AllBalances pages with limit and next_key", async (t) => {
  const f = await createFixture();
  const [a] = f.accounts as [TestAccount];
  const path = "/cosmos.bank.v1beta1.Query/AllBalances";
  const page1 = bq.QueryAllBalancesResponse.decode(
    (
      await query(
        f,
        path,
        bq.QueryAllBalancesRequest.encode({
          address: a.address,
          pagination: { key: new Uint8Array(0), offset: 0n, limit: 1n, countTotal: true, reverse: false },
          resolveDenom: false,
        }).finish(),
      )
    ).value,
  );
  t.deepEqual(
    page1.balances.map((c) => c.denom),
    ["ustrike"],
  );
  t.is(page1.pagination!.total, 2n);
  t.is(fromUtf8(page1.pagination!.nextKey), "uusdc");
  const page2 = bq.QueryAllBalancesResponse.decode(
    (
      await query(
        f,
        path,
        bq.QueryAllBalancesRequest.encode({
          address: a.address,
          pagination: { key: page1.pagination!.nextKey, offset: 0n, limit: 1n, countTotal: false, reverse: false },
          resolveDenom: false,
        }).finish(),
      )
    ).value,
  );
  t.deepEqual(page2.balances, [{ denom: "uusdc", amount: INITIAL_BALANCE.toString() }]);
  t.is(page2.pagination!.nextKey.length, 0);
});

test("denom metadata for ustrike and uusdc comes from the default genesis", async (t) => {
  const f = await createFixture();
  const one = bq.QueryDenomMetadataResponse.decode(
    (
      await query(
        f,
        "/cosmos.bank.v1beta1.Query/DenomMetadata",
        bq.QueryDenomMetadataRequest.encode({ denom: "uusdc" }).finish(),
      )
    ).value,
  );
  t.is(one.metadata!.display, "usdc");
  t.is(one.metadata!.denomUnits[1]!.exponent, 6);
  const all = bq.QueryDenomsMetadataResponse.decode(
    (await query(f, "/cosmos.bank.v1beta1.Query/DenomsMetadata", bq.QueryDenomsMetadataRequest.encode({}).finish()))
      .value,
  );
  t.deepEqual(
    all.metadatas.map((m) => m.base),
    ["ustrike", "uusdc"],
  );
  const missing = await query(
    f,
    "/cosmos.bank.v1beta1.Query/DenomMetadata",
    bq.QueryDenomMetadataRequest.encode({ denom: "uatom" }).finish(),
  );
  t.not(missing.code, 0);
});

test("MsgMultiSend pays several outputs from one input; a mismatch is rejected with bank code 4", async (t) => {
  const f = await createFixture();
  const [a, b, c] = f.accounts as [TestAccount, TestAccount, TestAccount];
  const multi = (outAmount: string) => ({
    typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend",
    value: {
      inputs: [{ address: a.address, coins: [{ denom: "ustrike", amount: "30" }] }],
      outputs: [
        { address: b.address, coins: [{ denom: "ustrike", amount: "10" }] },
        { address: c.address, coins: [{ denom: "ustrike", amount: outAmount }] },
      ],
    },
  });
  const ok = (await runBlock(f, [await signTx(a, { msgs: [multi("20")] })])).txResults[0]!;
  t.is(ok.code, 0, ok.log);
  t.is(await balance(f, c.address), INITIAL_BALANCE + 20n);
  const bad = f.app.checkTx(await signTx(a, { sequence: 1n, msgs: [multi("21")] }), "new");
  t.is(bad.code, 4);
  t.is(bad.codespace, "bank");
});

test("queries at a past height read that version; iterating queries there are refused clearly", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts as [TestAccount, TestAccount];
  await runBlock(f, []);
  await runBlock(f, [
    await signTx(a, { msgs: [sendMsg(a.address, b.address, [{ denom: "ustrike", amount: "100" }])] }),
  ]);
  t.is(await balance(f, b.address, "ustrike", 1n), INITIAL_BALANCE);
  t.is(await balance(f, b.address, "ustrike", 2n), INITIAL_BALANCE + 100n);
  t.is(await balance(f, b.address), INITIAL_BALANCE + 100n);
  const iter = await query(
    f,
    "/cosmos.bank.v1beta1.Query/TotalSupply",
    bq.QueryTotalSupplyRequest.encode({}).finish(),
    1n,
  );
  t.is(iter.code, 18);
  t.regex(iter.log, /latest height/);
  const future = await query(
    f,
    "/cosmos.bank.v1beta1.Query/Balance",
    bq.QueryBalanceRequest.encode({ address: a.address, denom: "ustrike" }).finish(),
    9n,
  );
  t.is(future.code, 18);
});

test("raw store queries return the value with a proof op, and /app/version answers", async (t) => {
  const f = await createFixture();
  await runBlock(f, []);
  const key = new Uint8Array([0x00, ...new TextEncoder().encode("ustrike")]);
  const res = await f.app.query({ path: "store/bank/key", data: key, height: 0n, prove: true });
  t.is(res.code, 0, res.log);
  t.is(fromUtf8(res.value), (INITIAL_BALANCE * 3n).toString());
  t.is(res.proofOps.length, 1);
  t.is(res.proofOps[0]!.type, "strike:state:exist");
  t.is(res.height, 1n);
  const v = await f.app.query({ path: "/app/version", data: new Uint8Array(0), height: 0n, prove: false });
  t.is(fromUtf8(v.value), "0.1.0");
  // A store no module has is refused by name, not answered with a proof that the key is absent.
  const unknown = await f.app.query({ path: "store/nosuch/key", data: key, height: 0n, prove: true });
  t.is(unknown.code, 6);
  t.regex(unknown.log, /no such store: "nosuch" \(stores: .*bank.*\)/);
  t.deepEqual(unknown.proofOps, []);
});

test("moduleCredit names what a write added to a module account's balance, and nothing else", (t) => {
  const moduleAddress = (name: string) => addressToBech32(moduleAddressBytes(name));
  const bank = createBankKeeper({
    hasAccount: () => true,
    newAccount: (_src, address) => ({ address }),
    setAccount: () => undefined,
    moduleAddress,
    isModuleAddress: () => false,
  });
  const key = (address: string, denom: string) =>
    concatBytes(moduleStorePrefix("bank"), balances.storeKeyOf([address, denom]));
  const value = (n: bigint) => bank.creditedBalance(undefined, n);
  const collector = moduleAddress("fee_collector");
  t.is(bank.moduleCredit("fee_collector", key(collector, "ustrike"), value(700n), value(1_200n)), 500n);
  t.is(bank.moduleCredit("fee_collector", key(collector, "uusdc"), undefined, value(3n)), 3n, "a first balance");
  t.is(bank.moduleCredit("fee_collector", key(collector, "ustrike"), value(1_200n), value(700n)), undefined, "spent");
  t.is(bank.moduleCredit("fee_collector", key(collector, "ustrike"), value(700n), undefined), undefined);
  t.is(bank.moduleCredit("fee_collector", key(moduleAddress("margin"), "ustrike"), undefined, value(5n)), undefined);
  const someone = addressToBech32(new Uint8Array(20).fill(7));
  t.is(bank.moduleCredit("fee_collector", key(someone, "ustrike"), undefined, value(5n)), undefined);
  t.is(bank.moduleCredit("fee_collector", key(collector, "").subarray(0, 10), undefined, value(5n)), undefined);
  // The credit re-applied on another state's value, as the bank stores amounts.
  t.deepEqual(bank.creditedBalance(value(10n ** 30n), 1n), value(10n ** 30n + 1n));
  t.deepEqual(bank.creditedBalance(undefined, 42n), new TextEncoder().encode("42"));
});
