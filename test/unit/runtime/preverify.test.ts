import test from "ava";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { sha256 } from "../../../chain/crypto/hash.js";
import { toHighS } from "../../../chain/crypto/secp256k1.js";
import { createSignatureVerifierPool, type SignatureVerifierPool } from "../../../chain/crypto/verifyPool.js";
import { CHAIN_ID, createFixture, runBlock, sendMsg, signTx, type TestAccount } from "./fixture.js";

let pool: SignatureVerifierPool;
test.before(() => {
  pool = createSignatureVerifierPool({ threads: 1 });
});
test.after.always(() => pool.close());

async function send(from: TestAccount, to: TestAccount, sequence = 0n): Promise<Uint8Array> {
  return signTx(from, { sequence, msgs: [sendMsg(from.address, to.address, [{ denom: "ustrike", amount: "1" }])] });
}

function withSignature(tx: Uint8Array, change: (sig: Uint8Array) => Uint8Array): Uint8Array {
  const raw = TxRaw.decode(tx);
  return TxRaw.encode({ ...raw, signatures: [change(raw.signatures[0]!)] }).finish();
}

test("a tx verified in the pool is verified neither by CheckTx nor by its block", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts as [TestAccount, TestAccount];
  const tx = await send(a, b);
  const own = createSignatureVerifierPool({ threads: 1 });
  t.teardown(() => own.close());
  await f.app.preverify(tx, own);
  t.is(own.stats().verifiedInWorkers, 1);
  t.is(f.app.checkTx(tx, "new").code, 0);
  t.is(f.app.checkTx(tx, "recheck").code, 32, "re-check of an applied tx: its sequence, not its signature");
  t.is((await runBlock(f, [tx])).txResults[0]!.code, 0);
  t.is(f.verifications(), 0);
});

test("a bad signature verified in the pool is refused by CheckTx with the code and log of an inline check", async (t) => {
  const [withPool, without] = [await createFixture(), await createFixture()];
  const [a, b] = withPool.accounts as [TestAccount, TestAccount];
  const bad = withSignature(await send(a, b), (s) => {
    const c = Uint8Array.from(s);
    c[10]! ^= 1;
    return c;
  });
  await withPool.app.preverify(bad, pool);
  const pooled = withPool.app.checkTx(bad, "new");
  const inline = without.app.checkTx(bad, "new");
  t.is(pooled.code, 4);
  t.is(pooled.codespace, "sdk");
  t.deepEqual([pooled.code, pooled.codespace, pooled.log], [inline.code, inline.codespace, inline.log]);
  t.is(withPool.verifications(), 0, "the pool's verdict was used");
  // And the block refuses it as well, still without verifying it again.
  t.is((await runBlock(withPool, [bad])).txResults[0]!.code, 4);
  t.is(withPool.verifications(), 0);
});

test("a high-S signature (the malleated twin of a valid one) is refused through the pool", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts as [TestAccount, TestAccount];
  const twin = withSignature(await send(a, b), toHighS);
  await f.app.preverify(twin, pool);
  const r = f.app.checkTx(twin, "new");
  t.is(r.code, 4, r.log);
  t.is(r.codespace, "sdk");
});

test("the cache cannot be poisoned: an entry under a tx's hash answers only for the bytes it verified", async (t) => {
  const f = await createFixture();
  const [a, b] = f.accounts as [TestAccount, TestAccount];
  const good = await send(a, b);
  const bad = withSignature(good, (s) => {
    const c = Uint8Array.from(s);
    c[3]! ^= 1;
    return c;
  });
  const raw = TxRaw.decode(good);
  // The good tx's (valid) verification, planted under the bad tx's hash.
  const goodInput = {
    pubkey: a.pubkey,
    signature: raw.signatures[0]!,
    chainId: CHAIN_ID,
    accountNumber: a.accountNumber,
  };
  f.app.sigCache.record(sha256(bad), 0, goodInput, true);
  const r = f.app.checkTx(bad, "new");
  t.is(r.code, 4, "the bad tx's own bytes were verified, and failed");
  t.is(f.verifications(), 1);
  t.is(f.app.checkTx(good, "new").code, 0);
});

test("blocks run the same with and without the pool: results and app hash are equal", async (t) => {
  const [withPool, without] = [await createFixture(), await createFixture()];
  const [a, b, c] = withPool.accounts as [TestAccount, TestAccount, TestAccount];
  const bad = withSignature(await send(c, a), (s) => s.map((x, i) => (i === 40 ? x ^ 1 : x)));
  const txs = [await send(a, b, 0n), await send(a, b, 1n), await send(b, c), bad];
  for (const tx of txs.slice(0, 2)) await withPool.app.preverify(tx, pool);
  await withPool.app.preverify(bad, pool);
  const [r1, r2] = [await runBlock(withPool, txs), await runBlock(without, txs)];
  t.deepEqual(r1.txResults, r2.txResults);
  t.deepEqual(r1.appHash, r2.appHash);
  t.deepEqual(
    r1.txResults.map((r) => r.code),
    [0, 0, 0, 4],
  );
});

test("a tx that does not decode is left for CheckTx to refuse", async (t) => {
  const f = await createFixture();
  const garbage = Uint8Array.of(1, 2, 3, 4, 5);
  await t.notThrowsAsync(f.app.preverify(garbage, pool));
  t.is(f.app.checkTx(garbage, "new").codespace, "sdk");
  t.not(f.app.checkTx(garbage, "new").code, 0);
});
