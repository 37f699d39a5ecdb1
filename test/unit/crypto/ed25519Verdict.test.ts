import test from "ava";
import { createPublicKey, verify } from "node:crypto";
import {
  createEd25519Signer,
  ed25519Address,
  verifyEd25519,
  verifyEd25519Strict,
} from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";

/** OpenSSL's verdict straight from node:crypto, the acceptance set consensus and the state machine use. */
function openSsl(pubkey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const der = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), pubkey]);
    return verify(null, message, createPublicKey({ key: der, format: "der", type: "spki" }), signature);
  } catch {
    return false;
  }
}

const hex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
/** The eight points of small order, as libsodium lists them. */
const SMALL_ORDER = [
  "0100000000000000000000000000000000000000000000000000000000000000",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0000000000000000000000000000000000000000000000000000000000000080",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
].map(hex);
/** Encodings that are not canonical (y ≥ p, or x = 0 with the sign bit set). */
const NON_CANONICAL = [
  "0100000000000000000000000000000000000000000000000000000000000080",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
].map(hex);
const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const le32 = (n: bigint) => Uint8Array.from(Buffer.from(n.toString(16).padStart(64, "0"), "hex").reverse());
const fromLe = (b: Uint8Array) => BigInt("0x" + Buffer.from(b).reverse().toString("hex"));

test("ed25519 verification answers exactly as OpenSSL for honest, tampered, small-order and non-canonical inputs", (t) => {
  const signers = [1, 2].map((n) => createEd25519Signer(new Uint8Array(32).fill(n)));
  const messages = [new Uint8Array(0), Uint8Array.from([1, 2, 3]), new Uint8Array(200).fill(0x5a)];
  const keys = [...SMALL_ORDER, ...NON_CANONICAL, ...signers.map((s) => s.publicKey)];
  let cases = 0;
  let accepted = 0;
  let acceptedOnlyByOpenSsl = 0;
  for (const message of messages) {
    const honest = signers.map((s) => s.sign(message));
    const rs = [...SMALL_ORDER, ...NON_CANONICAL, ...honest.map((sig) => sig.subarray(0, 32))];
    const ss = [
      0n,
      1n,
      L - 1n,
      L,
      ...honest.flatMap((sig) => [fromLe(sig.subarray(32)), fromLe(sig.subarray(32)) + L]),
    ];
    for (const key of keys)
      for (const r of rs)
        for (const s of ss) {
          if (s >= 1n << 256n) continue;
          const sig = new Uint8Array(64);
          sig.set(r);
          sig.set(le32(s), 32);
          const expected = openSsl(key, message, sig);
          t.is(
            verifyEd25519(key, message, sig),
            expected,
            `key ${Buffer.from(key).toString("hex")} sig ${Buffer.from(sig).toString("hex")}`,
          );
          // Asked again: the memo of verified signatures gives the same answer.
          t.is(verifyEd25519(key, message, sig), expected);
          cases++;
          if (expected) accepted++;
          if (expected && !verifyEd25519Strict(key, message, sig)) acceptedOnlyByOpenSsl++;
        }
  }
  t.log(`${cases} cases: ${accepted} accepted, ${acceptedOnlyByOpenSsl} of them only by OpenSSL`);
  t.true(accepted >= messages.length * signers.length, "every honest signature among them");
  t.true(acceptedOnlyByOpenSsl > 0, "some that libsodium refuses and OpenSSL accepts: the fallback decides them");
});

test("a remembered signature vouches for nothing else: another message, key or signature is verified afresh", (t) => {
  const signer = createEd25519Signer(new Uint8Array(32).fill(7));
  const other = createEd25519Signer(new Uint8Array(32).fill(8));
  const message = Uint8Array.from([9, 9, 9]);
  const sig = signer.sign(message);
  t.true(verifyEd25519(signer.publicKey, message, sig));
  t.true(verifyEd25519(signer.publicKey, message, sig));
  t.false(verifyEd25519(signer.publicKey, Uint8Array.from([9, 9, 8]), sig));
  t.false(verifyEd25519(other.publicKey, message, sig));
  const flipped = Uint8Array.from(sig);
  flipped[63] = flipped[63]! ^ 0x01;
  t.false(verifyEd25519(signer.publicKey, message, flipped));
});

test("a key's address is sha256(key)[:20], asked once or again, and each caller gets its own array", (t) => {
  const key = createEd25519Signer(new Uint8Array(32).fill(11)).publicKey;
  const first = ed25519Address(key);
  t.deepEqual(first, sha256(key).subarray(0, 20));
  first.fill(0);
  const again = ed25519Address(key);
  t.deepEqual(again, sha256(key).subarray(0, 20), "a caller's change to its copy changes nothing");
  t.not(again, ed25519Address(key));
  t.is(again.length, 20);
});
