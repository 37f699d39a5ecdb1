/**
 * Tx malleability (Cosmos ADR-027 and unknown-field rejection): a signed tx cannot be
 * re-encoded into another accepted tx with a different hash, and fields the schema does
 * not know are refused where Cosmos refuses them.
 */
import test from "ava";
import { makeSignDoc } from "@cosmjs/proto-signing";
import { fromBase64 } from "@cosmjs/encoding";
import { AuthInfo, Fee, SignerInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { MsgDeposit } from "../../../chain/codec/generated/strike/margin/v1/tx.js";
import { CHAIN_ID, createFixture, sendMsg, signTx, registry, type Fixture, type TestAccount } from "./fixture.js";

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

function field(fieldNo: number, payload: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint(fieldNo * 8 + 2), ...varint(payload.length), ...payload]);
}

function varintField(fieldNo: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(fieldNo * 8), ...varint(value)]);
}

const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Signs exactly these body and auth-info bytes. */
async function signRaw(signer: TestAccount, bodyBytes: Uint8Array, authInfoBytes: Uint8Array): Promise<Uint8Array> {
  const doc = makeSignDoc(bodyBytes, authInfoBytes, CHAIN_ID, signer.accountNumber);
  const { signature } = await signer.wallet.signDirect(signer.address, doc);
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [fromBase64(signature.signature)] }).finish();
}

async function validSend(f: Fixture): Promise<Uint8Array> {
  const [a, b] = f.accounts;
  return signTx(a!, { msgs: [sendMsg(a!.address, b!.address, [{ denom: "ustrike", amount: "7" }])] });
}

function check(f: Fixture, tx: Uint8Array) {
  return f.app.checkTx(tx, "new");
}

test("re-encodings of a signed TxRaw are refused with sdk/2 and the original still lands", async (t) => {
  const f = await createFixture();
  const tx = await validSend(f);
  const raw = TxRaw.decode(tx);
  const body = field(1, raw.bodyBytes);
  const auth = field(2, raw.authInfoBytes);
  const sig = field(3, raw.signatures[0]!);
  t.deepEqual(concat(body, auth, sig), Uint8Array.from(tx), "the reference encoding is the canonical one");

  const copies: Record<string, Uint8Array> = {
    "an unknown field": concat(body, auth, sig, field(4, Uint8Array.of(1))),
    "an unknown varint field": concat(body, auth, sig, varintField(5, 1)),
    "fields out of order": concat(auth, body, sig),
    "signature before auth info": concat(body, sig, auth),
    "a duplicated body": concat(body, body, auth, sig),
    "a duplicated auth info": concat(body, auth, auth, sig),
    "a non-minimal tag varint": concat(Uint8Array.of(0x8a, 0x00), body.subarray(1), auth, sig),
    "a non-minimal length varint": concat(
      Uint8Array.of(0x0a, ...varint(raw.bodyBytes.length).map((b) => b | 0x80), 0x00),
      raw.bodyBytes,
      auth,
      sig,
    ),
  };
  for (const [name, copy] of Object.entries(copies)) {
    t.notDeepEqual(copy, Uint8Array.from(tx), name);
    const r = check(f, copy);
    t.is(r.code, 2, `${name}: ${r.log}`);
    t.is(r.codespace, "sdk", name);
    t.regex(r.log, /ADR-027/, name);
  }
  t.is(check(f, tx).code, 0, "the original is accepted");
});

test("two signatures are still allowed: the signatures field repeats in order", async (t) => {
  const f = await createFixture();
  const raw = TxRaw.decode(await validSend(f));
  const twoSigs = TxRaw.encode({ ...raw, signatures: [raw.signatures[0]!, raw.signatures[0]!] }).finish();
  const r = check(f, twoSigs);
  // Refused for the signer count (sdk/4 unauthorized), not as a malformed tx.
  t.not(r.code, 2, r.log);
});

test("an unknown critical field in TxBody is refused; one in the non-critical range 1024+ is allowed", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts;
  const bodyBytes = registry.encode({
    typeUrl: "/cosmos.tx.v1beta1.TxBody",
    value: { messages: [sendMsg(a!.address, b!.address, [{ denom: "ustrike", amount: "1" }])], memo: "" },
  });
  const authInfoBytes = TxRaw.decode(await validSend(f)).authInfoBytes;

  const critical = check(f, await signRaw(a!, concat(bodyBytes, varintField(12, 1)), authInfoBytes));
  t.is(critical.code, 2, critical.log);
  t.regex(critical.log, /unknown field 12 .*TxBody/);

  const nonCritical = check(f, await signRaw(a!, concat(bodyBytes, field(1024, Uint8Array.of(1, 2))), authInfoBytes));
  t.is(nonCritical.code, 0, nonCritical.log);
});

test("an unknown field in AuthInfo, in a SignerInfo or in the public key is refused", async (t) => {
  const f = await createFixture();
  const [a] = f.accounts;
  const raw = TxRaw.decode(await validSend(f));
  const info = AuthInfo.decode(raw.authInfoBytes);

  const extraAuth = concat(raw.authInfoBytes, field(1024, Uint8Array.of(1)));
  const r1 = check(f, await signRaw(a!, raw.bodyBytes, extraAuth));
  t.is(r1.code, 2, r1.log);
  t.regex(r1.log, /unknown field 1024 .*AuthInfo/, "AuthInfo has no non-critical range");

  const si = info.signerInfos[0]!;
  const siBytes = concat(SignerInfo.encode(si).finish(), varintField(9, 3));
  const feeBytes = field(2, Fee.encode(info.fee!).finish());
  const r2 = check(f, await signRaw(a!, raw.bodyBytes, concat(field(1, siBytes), feeBytes)));
  t.is(r2.code, 2, r2.log);
  t.regex(r2.log, /unknown field 9 /);

  const key = si.publicKey!;
  const badKey = { typeUrl: key.typeUrl, value: concat(key.value, varintField(2, 1)) };
  const badInfo = AuthInfo.encode({ ...info, signerInfos: [{ ...si, publicKey: badKey }] }).finish();
  const r3 = check(f, await signRaw(a!, raw.bodyBytes, badInfo));
  t.is(r3.code, 2, r3.log);
  t.regex(r3.log, /public key of signer 0/);
});

test("an unknown field in a Cosmos or a Strike message is refused; the non-critical range is allowed", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts;
  const authInfoBytes = TxRaw.decode(await validSend(f)).authInfoBytes;
  const bodyWith = (typeUrl: string, value: Uint8Array) =>
    TxBody.encode(TxBody.fromPartial({ messages: [{ typeUrl, value }] })).finish();

  const send = MsgSend.encode({
    fromAddress: a!.address,
    toAddress: b!.address,
    amount: [{ denom: "ustrike", amount: "1" }],
  }).finish();
  const r1 = check(
    f,
    await signRaw(a!, bodyWith("/cosmos.bank.v1beta1.MsgSend", concat(send, varintField(7, 1))), authInfoBytes),
  );
  t.is(r1.code, 2, r1.log);
  t.regex(r1.log, /unknown field 7 .*message 0 \(\/cosmos.bank.v1beta1.MsgSend\)/);

  const deposit = MsgDeposit.encode({ owner: a!.address, subaccount: 0, amount: "1" }).finish();
  const r2 = check(
    f,
    await signRaw(
      a!,
      bodyWith("/strike.margin.v1.MsgDeposit", concat(deposit, field(9, Uint8Array.of(1)))),
      authInfoBytes,
    ),
  );
  t.is(r2.code, 2, r2.log);
  t.regex(r2.log, /unknown field 9 .*MsgDeposit/);

  const nested = check(
    f,
    await signRaw(
      a!,
      bodyWith(
        "/cosmos.bank.v1beta1.MsgSend",
        concat(send, field(3, concat(field(1, Uint8Array.of(0x75)), varintField(5, 1)))),
      ),
      authInfoBytes,
    ),
  );
  t.is(nested.code, 2, `an unknown field inside a nested Coin: ${nested.log}`);

  const tolerated = check(
    f,
    await signRaw(a!, bodyWith("/cosmos.bank.v1beta1.MsgSend", concat(send, varintField(1025, 1))), authInfoBytes),
  );
  t.is(tolerated.code, 0, tolerated.log);
});

test("txs built by cosmjs for Cosmos and Strike messages decode unchanged", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts;
  const send = await signTx(a!, {
    msgs: [sendMsg(a!.address, b!.address, [{ denom: "uusdc", amount: "5" }])],
    memo: "hi",
  });
  t.is(check(f, send).code, 0);
  const deposit = await signTx(b!, {
    msgs: [{ typeUrl: "/strike.margin.v1.MsgDeposit", value: { owner: b!.address, subaccount: 0, amount: "1000" } }],
  });
  const r = check(f, deposit);
  t.not(r.code, 2, r.log);
});
