import test from "ava";
import fc from "fast-check";
import type { StrikeError } from "../../../chain/types/errors.js";
import { createPrivateKey, generateKeyPairSync, sign } from "node:crypto";
import { Secp256k1, sha256 as cosmSha256 } from "@cosmjs/crypto";
import { sha256 } from "../../../chain/crypto/hash.js";
import {
  isLowS,
  SECP256K1_ORDER,
  secp256k1PublicKey,
  signSecp256k1,
  toHighS,
  verifySecp256k1,
} from "../../../chain/crypto/secp256k1.js";
import { createEd25519Signer, verifyEd25519, verifyEd25519Strict } from "../../../chain/crypto/ed25519.js";
import {
  addressToBech32,
  bech32ToAddressBytes,
  moduleAddressBytes,
  secp256k1PubKeyToAddressBytes,
} from "../../../chain/crypto/address.js";
import { createSignatureCache } from "../../../chain/crypto/sigCache.js";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";

const sk = sha256(new TextEncoder().encode("crypto test key"));
const msg = new TextEncoder().encode("sign me");

test("a native secp256k1 signature verifies, and the same signature with S flipped high does not", (t) => {
  const pk = secp256k1PublicKey(sk);
  const sig = signSecp256k1(sk, msg);
  t.true(isLowS(sig));
  t.true(verifySecp256k1(pk, msg, sig));
  t.false(verifySecp256k1(pk, msg, toHighS(sig)));
  t.false(verifySecp256k1(pk, new TextEncoder().encode("other"), sig));
  t.false(verifySecp256k1(pk.subarray(0, 32), msg, sig), "malformed key is false, not a throw");
});

test("signatures made by @cosmjs/crypto verify with the native verifier", async (t) => {
  const kp = await Secp256k1.makeKeypair(sk);
  const sig = await Secp256k1.createSignature(cosmSha256(msg), kp.privkey);
  t.true(verifySecp256k1(Secp256k1.compressPubkey(kp.pubkey), msg, sig.toFixedLength().subarray(0, 64)));
});

test("addresses derive as cosmjs derives them, with the strike prefix", async (t) => {
  const wallet = await DirectSecp256k1Wallet.fromKey(sk, "strike");
  const [acc] = await wallet.getAccounts();
  t.is(addressToBech32(secp256k1PubKeyToAddressBytes(acc!.pubkey)), acc!.address);
  t.deepEqual(bech32ToAddressBytes(acc!.address), secp256k1PubKeyToAddressBytes(acc!.pubkey));
});

test("bech32 decoding rejects a wrong prefix and garbage with sdk code 7", (t) => {
  const cosmosAddr = addressToBech32(moduleAddressBytes("fee_collector"), "cosmos");
  t.is(cosmosAddr, "cosmos17xpfvakm2amg962yls6f84z3kell8c5lserqta", "module addresses match Cosmos' fee_collector");
  const e = t.throws(() => bech32ToAddressBytes(cosmosAddr));
  t.is((e as StrikeError).code, 7);
  t.regex(e!.message, /prefix "cosmos", expected "strike"/);
  t.is((t.throws(() => bech32ToAddressBytes("strike1garbage")) as StrikeError).code, 7);
});

test("ed25519 verification accepts a valid signature and rejects a tampered one", (t) => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pk = new Uint8Array(publicKey.export({ format: "der", type: "spki" }).subarray(12));
  const sig = new Uint8Array(sign(null, msg, privateKey));
  t.true(verifyEd25519(pk, msg, sig));
  t.true(verifyEd25519(pk, msg, sig), "cached key object");
  sig[0]! ^= 1;
  t.false(verifyEd25519(pk, msg, sig));
  t.false(verifyEd25519(pk.subarray(1), msg, sig));
});

test("the signature cache answers only for the same tx, signer index, key, signature, chain id and account number", (t) => {
  const cache = createSignatureCache({ maxEntries: 2 });
  const h = (s: string) => sha256(new TextEncoder().encode(s));
  const input = { pubkey: h("key").subarray(0, 33), signature: h("sig"), chainId: "strike-1", accountNumber: 7n };
  cache.record(h("tx1"), 0, input, true);
  t.is(cache.lookup(h("tx1"), 0, input), true);
  t.is(cache.lookup(h("tx1"), 0, { ...input, accountNumber: 8n }), undefined);
  t.is(cache.lookup(h("tx1"), 0, { ...input, chainId: "strike-2" }), undefined);
  t.is(cache.lookup(h("tx1"), 0, { ...input, chainId: "strike-" }), undefined);
  t.is(cache.lookup(h("tx1"), 0, { ...input, signature: h("other-sig") }), undefined);
  t.is(cache.lookup(h("tx1"), 0, { ...input, pubkey: h("other-key") }), undefined);
  t.is(cache.lookup(h("tx1"), 1, input), undefined);
  cache.record(h("tx2"), 0, input, false);
  t.is(cache.lookup(h("tx2"), 0, input), false, "a failed verification is remembered as failed");
  t.is(cache.lookup(h("tx1"), 0, input), true, "tx1 is now the most recently used");
  cache.record(h("tx3"), 0, input, true);
  t.is(cache.lookup(h("tx2"), 0, input), undefined, "the least recently used is evicted at capacity");
  t.is(cache.lookup(h("tx1"), 0, input), true);
  cache.remove(h("tx3"));
  t.is(cache.lookup(h("tx3"), 0, input), undefined);
});

test("decoded address bytes are the caller's own copy: changing them does not change later decodes", async (t) => {
  const { addressToBech32, bech32ToAddressBytes } = await import("../../../chain/crypto/address.js");
  const address = addressToBech32(new Uint8Array(20).fill(7));
  const first = bech32ToAddressBytes(address);
  first.fill(0);
  t.deepEqual(bech32ToAddressBytes(address), new Uint8Array(20).fill(7));
  t.throws(() => bech32ToAddressBytes(address.slice(0, -1) + (address.endsWith("q") ? "p" : "q")), {
    message: /not valid bech32/,
  });
});

test("the ed25519 signer gives RFC 8032's signatures, byte for byte those of node:crypto", (t) => {
  // RFC 8032 section 7.1, test 2: a one-byte message.
  const seed = Buffer.from("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "hex");
  const signer = createEd25519Signer(seed);
  t.is(
    Buffer.from(signer.publicKey).toString("hex"),
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
  );
  t.is(
    Buffer.from(signer.sign(Uint8Array.of(0x72))).toString("hex"),
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  );
  const key = createPrivateKey({
    key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]),
    format: "der",
    type: "pkcs8",
  });
  for (const n of [0, 1, 63, 64, 1000]) {
    const msg = new Uint8Array(n).map((_, i) => (i * 7 + n) & 0xff);
    const sig = signer.sign(msg);
    t.deepEqual(Buffer.from(sig), sign(null, msg, key));
    t.true(verifyEd25519(signer.publicKey, msg, sig));
  }
});

test("the strict ed25519 check accepts what an honest signer makes and refuses what node:crypto refuses, and a small-order key", (t) => {
  const signer = createEd25519Signer(new Uint8Array(32).fill(9));
  for (const n of [0, 1, 100, 300]) {
    const msg = new Uint8Array(n).map((_, i) => (i * 13 + 1) & 0xff);
    const sig = signer.sign(msg);
    t.true(verifyEd25519Strict(signer.publicKey, msg, sig));
    const bad = Uint8Array.from(sig);
    bad[n % 64] = bad[n % 64]! ^ 1;
    t.false(verifyEd25519Strict(signer.publicKey, msg, bad));
    t.false(verifyEd25519(signer.publicKey, msg, bad));
    const other = Uint8Array.from(msg);
    if (n > 0) {
      other[0] = other[0]! ^ 1;
      t.false(verifyEd25519Strict(signer.publicKey, other, sig));
    }
  }
  t.false(verifyEd25519Strict(signer.publicKey.subarray(0, 31), new Uint8Array(1), new Uint8Array(64)));
  t.false(verifyEd25519Strict(signer.publicKey, new Uint8Array(1), new Uint8Array(63)));
  // The identity point as a key with the identity as R and S = 0 "signs" every message under a
  // cofactorless check; libsodium refuses small-order keys.
  const identity = new Uint8Array(32);
  identity[0] = 1;
  const forged = new Uint8Array(64);
  forged[0] = 1;
  t.false(verifyEd25519Strict(identity, new Uint8Array([1, 2, 3]), forged));
  t.true(verifyEd25519(identity, new Uint8Array([1, 2, 3]), forged), "OpenSSL accepts it: the difference is real");
});

test("isLowS compares S with n/2 exactly: 0 and n/2 + 1 refused, 1 and n/2 accepted, any R", (t) => {
  const HALF = (SECP256K1_ORDER - 1n) / 2n;
  const withS = (r: Uint8Array, s: bigint) => {
    const sig = new Uint8Array(64);
    sig.set(r, 0);
    sig.set(Buffer.from(s.toString(16).padStart(64, "0"), "hex"), 32);
    return sig;
  };
  const reference = (s: bigint) => s !== 0n && s <= HALF;
  const r = new Uint8Array(32).fill(0xab);
  for (const s of [0n, 1n, HALF - 1n, HALF, HALF + 1n, SECP256K1_ORDER - 1n, (1n << 256n) - 1n, 1n << 248n])
    t.is(isLowS(withS(r, s)), reference(s), `S = ${s.toString(16)}`);
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.oneof(
        fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
        fc.bigInt({ min: HALF - 1000n, max: HALF + 1000n }),
        fc.bigInt({ min: 0n, max: 1000n }),
      ),
      (rBytes, s) => t.is(isLowS(withS(rBytes, s)), reference(s)),
    ),
    { numRuns: 3_000 },
  );
  t.false(isLowS(new Uint8Array(63)), "not 64 bytes");
});
