import test, { type ExecutionContext } from "ava";
import { Any } from "cosmjs-types/google/protobuf/any";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { toHighS, isLowS } from "../../../chain/crypto/secp256k1.js";
import { sequencesEarly } from "../../../chain/mempool/mempool.js";
import {
  INITIAL_BALANCE,
  account,
  balance,
  createFixture,
  runBlock,
  sendMsg,
  signTx,
  stateWithoutHeaderRoots,
  type Fixture,
  type TestAccount,
} from "./fixture.js";

async function snapshot(f: Fixture) {
  const out: { state: string[]; balances: bigint[]; sequences: bigint[] } = {
    state: stateWithoutHeaderRoots(f),
    balances: [],
    sequences: [],
  };
  for (const a of f.accounts) {
    out.balances.push(await balance(f, a.address), await balance(f, a.address, "uusdc"));
    out.sequences.push((await account(f, a.address))?.sequence ?? -1n);
  }
  return out;
}

/** The tx is rejected with `code` at mempool admission and in a block, and leaves state exactly as it was. */
async function expectRejected(
  t: ExecutionContext,
  f: Fixture,
  tx: Uint8Array,
  code: number,
  codespace = "sdk",
  opts: { inBlock?: boolean } = {},
) {
  const before = await snapshot(f);
  const check = f.app.checkTx(tx, "new");
  t.is(check.code, code, check.log);
  t.is(check.codespace, codespace);
  if (opts.inBlock !== false) {
    const r = (await runBlock(f, [tx])).txResults[0]!;
    t.is(r.code, code, r.log);
    t.is(r.codespace, codespace);
  }
  const after = await snapshot(f);
  t.deepEqual(after.state, before.state, "state unchanged (but for the block's header roots)");
  t.deepEqual(after.balances, before.balances);
  t.deepEqual(after.sequences, before.sequences);
  return check;
}

async function setup() {
  const f = await createFixture({ accounts: 4, funded: 3, maxTxBytes: 4096 });
  const [a, b, c, poor] = f.accounts as [TestAccount, TestAccount, TestAccount, TestAccount];
  const send = (amount: { denom: string; amount: string }[], to = b.address, from = a.address) => [
    sendMsg(from, to, amount),
  ];
  return { f, a, b, c, poor, send };
}

const ustrike = (amount: string) => [{ denom: "ustrike", amount }];

test("malformed tx bytes are rejected with sdk code 2", async (t) => {
  const { f } = await setup();
  await expectRejected(t, f, Uint8Array.from([0xff, 0xff, 0xff, 0x01, 0x02]), 2);
});

test("an unknown message type is rejected with sdk code 2", async (t) => {
  const { f, a } = await setup();
  const tx = await signTx(a, {
    msgs: [],
    rawMessages: [Any.fromPartial({ typeUrl: "/cosmos.gov.v1beta1.MsgVote", value: new Uint8Array([8, 1]) })],
  });
  const r = await expectRejected(t, f, tx, 2);
  t.regex(r.log, /unable to resolve type URL \/cosmos.gov.v1beta1.MsgVote/);
});

test("a tx signed for another chain id fails signature verification (sdk 4)", async (t) => {
  const { f, a, send } = await setup();
  const r = await expectRejected(t, f, await signTx(a, { chainId: "other-chain", msgs: send(ustrike("1")) }), 4);
  t.regex(
    r.log,
    /signature verification failed; please verify account number \(0\), sequence \(0\) and chain-id \(strike-test-1\)/,
  );
});

test("a tx signed with the wrong account number fails signature verification (sdk 4)", async (t) => {
  const { f, a, send } = await setup();
  await expectRejected(t, f, await signTx(a, { accountNumber: 7n, msgs: send(ustrike("1")) }), 4);
});

test("a replayed sequence is rejected with sdk 32 and Cosmos' message", async (t) => {
  const { f, a, send } = await setup();
  const first = await signTx(a, { msgs: send(ustrike("1")) });
  t.is((await runBlock(f, [first])).txResults[0]!.code, 0);
  const r = await expectRejected(t, f, first, 32);
  t.regex(r.log, /^account sequence mismatch, expected 1, got 0/);
  t.is(sequencesEarly(r), undefined, "a late tx is never held for another try");
});

test("a future sequence is rejected with sdk 32, and the node knows how early it came", async (t) => {
  const { f, a, send } = await setup();
  const r = await expectRejected(t, f, await signTx(a, { sequence: 5n, msgs: send(ustrike("1")) }), 32);
  t.regex(r.log, /expected 0, got 5/);
  // What chain/node/network.ts reads to hold a peer's early tx (parkedTxs.ts).
  t.is(sequencesEarly(r), 5n);
  const far = await expectRejected(t, f, await signTx(a, { sequence: 17n, msgs: send(ustrike("1")) }), 32);
  t.is(sequencesEarly(far), undefined, "too far ahead to be an overtaken burst");
});

test("a high-S signature is rejected although it is mathematically valid (sdk 4)", async (t) => {
  const { f, a, send } = await setup();
  const tx = await signTx(a, { msgs: send(ustrike("1")), mutateSignature: toHighS });
  t.false(isLowS(TxRaw.decode(tx).signatures[0]!));
  await expectRejected(t, f, tx, 4);
});

test("a pubkey that does not hash to the signer is rejected (sdk 8)", async (t) => {
  const { f, a, c, send } = await setup();
  const r = await expectRejected(t, f, await signTx(a, { pubkey: c.pubkey, signWith: c, msgs: send(ustrike("1")) }), 8);
  t.regex(r.log, /pubKey does not match signer address/);
});

test("a signature by another key is rejected (sdk 4)", async (t) => {
  const { f, a, c, send } = await setup();
  await expectRejected(t, f, await signTx(a, { signWith: c, msgs: send(ustrike("1")) }), 4);
});

test("a corrupted signature is rejected (sdk 4)", async (t) => {
  const { f, a, send } = await setup();
  const flip = (s: Uint8Array) => {
    const out = Uint8Array.from(s);
    out[5]! ^= 1;
    return out;
  };
  await expectRejected(t, f, await signTx(a, { msgs: send(ustrike("1")), mutateSignature: flip }), 4);
});

test("a fee the payer cannot afford is rejected with sdk 5 and nothing changes", async (t) => {
  const { f, poor, a } = await setup();
  await expectRejected(t, f, await signTx(poor, { msgs: [sendMsg(poor.address, a.address, ustrike("1"))] }), 5);
});

test("sending more than the balance fails with sdk 5; only the fee and sequence are kept", async (t) => {
  const { f, a, b, send } = await setup();
  const tx = await signTx(a, { msgs: send(ustrike((INITIAL_BALANCE + 1n).toString())) });
  const r = (await runBlock(f, [tx])).txResults[0]!;
  t.is(r.code, 5);
  t.regex(r.log, /spendable balance/);
  t.is(await balance(f, b.address), INITIAL_BALANCE);
  t.is(await balance(f, a.address), INITIAL_BALANCE - 5000n);
  t.is((await account(f, a.address))!.sequence, 1n);
  t.true(
    r.events.some((e) => e.type === "tx"),
    "ante events are reported for a failed tx",
  );
  t.false(r.events.some((e) => e.type === "transfer" && e.attributes.some((x) => x.value === b.address)));
});

test("a fee below the minimum gas price is rejected at checkTx (sdk 13)", async (t) => {
  const { f, a, send } = await setup();
  const tx = await signTx(a, { fee: { amount: ustrike("4999"), gas: 200_000 }, msgs: send(ustrike("1")) });
  const r = await expectRejected(t, f, tx, 13, "sdk", { inBlock: false });
  t.regex(r.log, /insufficient fees; got: 4999ustrike required: 5000ustrike/);
  t.is(f.app.checkTx(await signTx(a, { msgs: send(ustrike("1")) }), "new").code, 0, "the same sequence is still free");
});

test("a tx over the size limit is rejected (sdk 21)", async (t) => {
  const { f, a, send } = await setup();
  await expectRejected(
    t,
    f,
    await signTx(a, { memo: "x".repeat(250), msgs: [...send(ustrike("1")), ...Array(40).fill(send(ustrike("1"))[0])] }),
    21,
  );
});

test("a memo over the limit is rejected (sdk 12)", async (t) => {
  const { f, a, send } = await setup();
  await expectRejected(t, f, await signTx(a, { memo: "m".repeat(257), msgs: send(ustrike("1")) }), 12);
});

test("unknown extension options are rejected (sdk 31)", async (t) => {
  const { f, a, send } = await setup();
  const ext = Any.fromPartial({ typeUrl: "/strike.unknown.v1.Ext", value: new Uint8Array(0) });
  await expectRejected(t, f, await signTx(a, { extensionOptions: [ext], msgs: send(ustrike("1")) }), 31);
});

for (const [name, amount] of [
  ["negative", "-5"],
  ["zero", "0"],
  ["overflowing (2^256)", (1n << 256n).toString()],
  ["malformed", "12abc"],
] as const) {
  test(`a ${name} amount is rejected with sdk 10 and nothing changes`, async (t) => {
    const { f, a, send } = await setup();
    await expectRejected(t, f, await signTx(a, { msgs: send(ustrike(amount)) }), 10);
  });
}

test("an invalid denom is rejected with sdk 10", async (t) => {
  const { f, a, send } = await setup();
  await expectRejected(t, f, await signTx(a, { msgs: send([{ denom: "u$d", amount: "5" }]) }), 10);
});

test("a recipient with the wrong bech32 prefix is rejected with sdk 7", async (t) => {
  const { f, a, send } = await setup();
  const r = await expectRejected(
    t,
    f,
    await signTx(a, { msgs: send(ustrike("1"), "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu") }),
    7,
  );
  t.regex(r.log, /invalid to address/);
});

test("a garbage recipient address is rejected with sdk 7", async (t) => {
  const { f, a, send } = await setup();
  await expectRejected(t, f, await signTx(a, { msgs: send(ustrike("1"), "not-an-address") }), 7);
});

test("sending to a module account is refused (sdk 4), fee kept", async (t) => {
  const { f, a, send } = await setup();
  const { addressToBech32, moduleAddressBytes } = await import("../../../chain/crypto/address.js");
  const r = (
    await runBlock(f, [
      await signTx(a, { msgs: send(ustrike("1"), addressToBech32(moduleAddressBytes("fee_collector"))) }),
    ])
  ).txResults[0]!;
  t.is(r.code, 4);
  t.regex(r.log, /is not allowed to receive funds/);
});
