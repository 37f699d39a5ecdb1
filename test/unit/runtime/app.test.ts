import test from "ava";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import {
  INITIAL_BALANCE,
  account,
  balance,
  createFixture,
  query,
  runBlock,
  sendMsg,
  signTx,
  type TestAccount,
} from "./fixture.js";
import { addressToBech32, moduleAddressBytes } from "../../../chain/crypto/address.js";
import { equalBytes } from "../../../chain/types/bytes.js";

const FEE_COLLECTOR = addressToBech32(moduleAddressBytes("fee_collector"));

test("a signed MsgSend moves coins, pays its fee to the fee collector and increments the sequence", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts as [TestAccount, TestAccount];
  const tx = await signTx(a, { msgs: [sendMsg(a.address, b.address, [{ denom: "ustrike", amount: "1000" }])] });
  t.is(f.app.checkTx(tx, "new").code, 0);
  const res = await runBlock(f, [tx]);
  const r = res.txResults[0]!;
  t.is(r.code, 0, r.log);
  t.is(r.gasWanted, 200000n);
  t.true(r.gasUsed > 0n && r.gasUsed < 200000n);
  t.is(await balance(f, a.address), INITIAL_BALANCE - 1000n - 5000n);
  t.is(await balance(f, b.address), INITIAL_BALANCE + 1000n);
  t.is(await balance(f, FEE_COLLECTOR), 5000n);
  t.is((await account(f, a.address))!.sequence, 1n);
  t.is(TxMsgData.decode(r.data).msgResponses[0]!.typeUrl, "/cosmos.bank.v1beta1.MsgSendResponse");
  t.true(equalBytes(f.app.info().lastBlockAppHash, res.appHash));
});

test("tx events carry Cosmos' tx, message, transfer, coin_spent and coin_received attributes", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts as [TestAccount, TestAccount];
  const tx = await signTx(a, { msgs: [sendMsg(a.address, b.address, [{ denom: "ustrike", amount: "7" }])] });
  const r = (await runBlock(f, [tx])).txResults[0]!;
  const attrs = (type: string) =>
    r.events.filter((e) => e.type === type).map((e) => Object.fromEntries(e.attributes.map((x) => [x.key, x.value])));
  t.deepEqual(
    attrs("tx").map((x) => Object.keys(x)[0]),
    ["fee", "acc_seq", "signature"],
  );
  t.is(attrs("tx")[0]!.fee, "5000ustrike");
  t.is(attrs("tx")[1]!.acc_seq, `${a.address}/0`);
  t.true(
    attrs("message").some(
      (m) => m.action === "/cosmos.bank.v1beta1.MsgSend" && m.sender === a.address && m.module === "bank",
    ),
  );
  t.true(
    attrs("transfer").some(
      (m) => m.recipient === b.address && m.sender === a.address && m.amount === "7ustrike" && m.msg_index === "0",
    ),
  );
  t.true(attrs("transfer").some((m) => m.recipient === FEE_COLLECTOR && m.amount === "5000ustrike"));
  t.true(attrs("coin_spent").some((m) => m.spender === a.address && m.amount === "7ustrike"));
  t.true(attrs("coin_received").some((m) => m.receiver === b.address));
  t.true(r.events.every((e) => e.attributes.every((x) => x.index)));
});

test("a signature verified at checkTx is not verified again when the block executes", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts as [TestAccount, TestAccount];
  const tx = await signTx(a, { msgs: [sendMsg(a.address, b.address, [{ denom: "ustrike", amount: "1" }])] });
  t.is(f.app.checkTx(tx, "new").code, 0);
  t.is(f.verifications(), 1);
  const r = (await runBlock(f, [tx])).txResults[0]!;
  t.is(r.code, 0);
  t.is(f.verifications(), 1);
  // A tx not seen by the mempool is verified in the block.
  const tx2 = await signTx(a, {
    sequence: 1n,
    msgs: [sendMsg(a.address, b.address, [{ denom: "ustrike", amount: "1" }])],
  });
  t.is((await runBlock(f, [tx2])).txResults[0]!.code, 0);
  t.is(f.verifications(), 2);
});

test("checkTx tracks sequences across pending txs and resets on commit", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts as [TestAccount, TestAccount];
  const tx0 = await signTx(a, {
    sequence: 0n,
    msgs: [sendMsg(a.address, b.address, [{ denom: "ustrike", amount: "1" }])],
  });
  const tx1 = await signTx(a, {
    sequence: 1n,
    msgs: [sendMsg(a.address, b.address, [{ denom: "ustrike", amount: "1" }])],
  });
  t.is(f.app.checkTx(tx0, "new").code, 0);
  t.is(f.app.checkTx(tx1, "new").code, 0);
  t.is(f.app.checkTx(tx1, "new").code, 32);
  await runBlock(f, [tx0, tx1]);
  t.is(f.app.checkTx(tx1, "recheck").code, 32);
});

test("out of gas in a message rolls the message back but keeps fee and sequence", async (t) => {
  const f = await createFixture({ minGasPrices: "" });
  const [a, b] = f.accounts as [TestAccount, TestAccount];
  // Enough for the ante (size + signature + account reads/writes) but not for the send.
  const probe = await signTx(a, { msgs: [sendMsg(a.address, b.address, [{ denom: "ustrike", amount: "5" }])] });
  const sim = f.app.simulate(probe);
  t.is(sim.result.code, 0, sim.result.log);
  const gas = Number(sim.gasUsed) - 3000;
  const tx = await signTx(a, {
    fee: { amount: [{ denom: "ustrike", amount: "100" }], gas },
    msgs: [sendMsg(a.address, b.address, [{ denom: "ustrike", amount: "5" }])],
  });
  const r = (await runBlock(f, [tx])).txResults[0]!;
  t.is(r.code, 11, r.log);
  t.is(r.codespace, "sdk");
  t.is(r.gasWanted, BigInt(gas));
  t.true(r.gasUsed > BigInt(gas));
  t.is(await balance(f, b.address), INITIAL_BALANCE);
  t.is(await balance(f, a.address), INITIAL_BALANCE - 100n);
  t.is((await account(f, a.address))!.sequence, 1n);
});

test("Simulate over ABCI query returns gas info and the msg responses, changing nothing", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts as [TestAccount, TestAccount];
  const signed = TxRaw.decode(
    await signTx(a, { msgs: [sendMsg(a.address, b.address, [{ denom: "ustrike", amount: "5" }])] }),
  );
  // cosmjs simulates with an empty signature.
  const txBytes = TxRaw.encode({ ...signed, signatures: [new Uint8Array(0)] }).finish();
  const before = f.state.workingRoot();
  const res = await query(f, "/cosmos.tx.v1beta1.Service/Simulate", SimulateRequest.encode({ txBytes }).finish());
  t.is(res.code, 0, res.log);
  const sim = SimulateResponse.decode(res.value);
  t.true(sim.gasInfo!.gasUsed > 50000n);
  t.is(sim.result!.msgResponses[0]!.typeUrl, "/cosmos.bank.v1beta1.MsgSendResponse");
  t.true(equalBytes(before, f.state.workingRoot()));
  t.is(f.verifications(), 0);
  // And the same tx, signed, still passes with sequence 0: simulation did not bump it.
  t.is(f.app.checkTx(TxRaw.encode(signed).finish(), "new").code, 0);
});

test("a query that arrives between a block's finalize and its Commit is answered once the block is committed, with its state", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts;
  const before = await balance(f, b!.address);
  const tx = await signTx(a!, { msgs: [sendMsg(a!.address, b!.address, [{ denom: "ustrike", amount: "9" }])] });
  f.height += 1n;
  f.app.finalizeBlock({
    txs: [tx],
    height: f.height,
    time: { seconds: 1_700_000_000n + f.height, nanos: 0 },
    hash: new Uint8Array(32),
    proposerAddress: new Uint8Array(20),
    misbehavior: [],
  });
  let answered = false;
  const during = query(
    f,
    "/cosmos.bank.v1beta1.Query/Balance",
    QueryBalanceRequest.encode({ address: b!.address, denom: "ustrike" }).finish(),
  ).then((r) => {
    answered = true;
    return r;
  });
  await new Promise((r) => setTimeout(r, 20));
  t.false(answered, "not answered from a state whose version is still the height before");
  const batch = f.db.batch();
  f.app.commit(batch);
  await batch.write();
  const r = await during;
  t.is(r.height, f.height);
  t.is(BigInt(QueryBalanceResponse.decode(r.value).balance!.amount), before + 9n);
});
