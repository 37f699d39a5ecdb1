import test from "ava";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicKey, verify } from "node:crypto";
import { defaultConfig } from "../../../chain/node/config.js";
import {
  ed25519Sign,
  ensureNodeKeys,
  generateEd25519Key,
  loadPrivValidatorKey,
  loadPrivValidatorState,
  writePrivValidatorKey,
  ed25519PrivateKeyObject,
} from "../../../chain/node/home.js";
import { sha256 } from "../../../chain/crypto/hash.js";

test("priv_validator_key.json has CometBFT's format: upper hex address, base64 32-byte pub, 64-byte seed||pub", (t) => {
  const home = mkdtempSync(join(tmpdir(), "strike-home-"));
  const path = join(home, "pv.json");
  const key = generateEd25519Key();
  writePrivValidatorKey(path, key);
  const json = JSON.parse(readFileSync(path, "utf8")) as {
    address: string;
    pub_key: { type: string; value: string };
    priv_key: { type: string; value: string };
  };
  t.is(json.pub_key.type, "tendermint/PubKeyEd25519");
  t.is(json.priv_key.type, "tendermint/PrivKeyEd25519");
  t.is(Buffer.from(json.pub_key.value, "base64").length, 32);
  const priv = Buffer.from(json.priv_key.value, "base64");
  t.is(priv.length, 64);
  t.deepEqual(priv.subarray(32), Buffer.from(json.pub_key.value, "base64"));
  t.is(json.address, Buffer.from(sha256(key.pubKey).subarray(0, 20)).toString("hex").toUpperCase());
  const loaded = loadPrivValidatorKey(path);
  t.deepEqual(loaded.pubKey, key.pubKey);
  rmSync(home, { recursive: true });
});

test("a loaded key signs messages that verify under its public key", (t) => {
  const key = generateEd25519Key();
  const msg = new TextEncoder().encode("vote");
  const sig = ed25519Sign(key.privKey, msg);
  t.is(sig.length, 64);
  t.true(verify(null, msg, createPublicKey(ed25519PrivateKeyObject(key.privKey)), sig));
});

test("a key file whose public half does not match its seed is refused", (t) => {
  const home = mkdtempSync(join(tmpdir(), "strike-home-"));
  const path = join(home, "pv.json");
  const a = generateEd25519Key();
  const b = generateEd25519Key();
  const bad = new Uint8Array(64);
  bad.set(a.privKey.subarray(0, 32));
  bad.set(b.pubKey, 32);
  writeFileSync(
    path,
    JSON.stringify({ priv_key: { type: "tendermint/PrivKeyEd25519", value: Buffer.from(bad).toString("base64") } }),
  );
  t.regex(t.throws(() => loadPrivValidatorKey(path)).message, /does not match its seed/);
  rmSync(home, { recursive: true });
});

test("ensureNodeKeys creates keys and a zero sign state once, then keeps them", (t) => {
  const home = mkdtempSync(join(tmpdir(), "strike-home-"));
  const cfg = defaultConfig("n");
  const first = ensureNodeKeys(home, cfg);
  const second = ensureNodeKeys(home, cfg);
  t.deepEqual(second.validatorKey.pubKey, first.validatorKey.pubKey);
  t.deepEqual(second.nodeKey.pubKey, first.nodeKey.pubKey);
  t.deepEqual(loadPrivValidatorState(join(home, "data/priv_validator_state.json")), { height: 0n, round: 0, step: 0 });
  t.deepEqual(JSON.parse(readFileSync(join(home, "data/priv_validator_state.json"), "utf8")), {
    height: "0",
    round: 0,
    step: 0,
  });
  rmSync(home, { recursive: true });
});
