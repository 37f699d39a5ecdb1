import test from "ava";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { stringToPath } from "@cosmjs/crypto";
import { armorPrivateKey, unarmorPrivateKey } from "../../../cli/keyring/armor.js";
import { decryptWithPassphrase, encryptWithPassphrase } from "../../../cli/keyring/cipher.js";
import { cosmosHdPath, deriveFromMnemonic, generateMnemonic } from "../../../cli/keyring/hd.js";
import { Keyring } from "../../../cli/keyring/keyring.js";

// Low scrypt cost keeps the tests fast; the format is the same.
const scrypt = { n: 1 << 10, r: 8, p: 1 };
const fixedPass = (p: string) => async () => p;

function home(): string {
  return mkdtempSync(join(tmpdir(), "strike-keyring-"));
}

test("a generated mnemonic has 24 words and derives the same address as cosmjs' HD wallet", async (t) => {
  const m = generateMnemonic();
  t.is(m.split(" ").length, 24);
  for (const index of [0, 3]) {
    const ours = deriveFromMnemonic(m, cosmosHdPath(0, index));
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(m, {
      prefix: "strike",
      hdPaths: [stringToPath(`m/44'/118'/0'/0/${index}`)],
    });
    const [acc] = await wallet.getAccounts();
    t.is(ours.address, acc!.address);
    t.deepEqual(ours.pubKey, acc!.pubkey);
  }
});

test("the default HD path is m/44'/118'/0'/0/0 and matches cosmjs' default", async (t) => {
  const m =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art";
  t.is(cosmosHdPath(), "m/44'/118'/0'/0/0");
  const [acc] = await (await DirectSecp256k1HdWallet.fromMnemonic(m, { prefix: "strike" })).getAccounts();
  t.is(deriveFromMnemonic(m, cosmosHdPath()).address, acc!.address);
});

test("an invalid mnemonic is refused with a clear error", (t) => {
  t.regex(
    t.throws(() => deriveFromMnemonic("hello world", cosmosHdPath())).message,
    /not a valid English BIP39 mnemonic/,
  );
});

test("file backend: keys round-trip, and the private key is stored encrypted", async (t) => {
  const h = home();
  const kr = new Keyring({ home: h, backend: "file", passphrase: fixedPass("correct horse"), scrypt });
  const d = deriveFromMnemonic(generateMnemonic(), cosmosHdPath());
  const info = await kr.add("alice", d.privKey, { hdPath: d.hdPath });
  t.is(info.address, d.address);
  const reopened = new Keyring({ home: h, backend: "file", passphrase: fixedPass("correct horse"), scrypt });
  t.deepEqual(await reopened.privateKey("alice"), d.privKey);
  t.deepEqual(
    reopened.list().map((k) => k.name),
    ["alice"],
  );
  t.is(reopened.resolve(d.address).name, "alice");
  const file = readFileSync(join(h, "keyring-file", "alice.json"), "utf8");
  t.false(file.includes(Buffer.from(d.privKey).toString("hex")));
  t.true(file.includes("aes-256-gcm"));
  rmSync(h, { recursive: true });
});

test("file backend: a wrong passphrase is refused with a clear error, not garbage", async (t) => {
  const h = home();
  const d = deriveFromMnemonic(generateMnemonic(), cosmosHdPath());
  await new Keyring({ home: h, backend: "file", passphrase: fixedPass("correct horse"), scrypt }).add(
    "alice",
    d.privKey,
  );
  const wrong = new Keyring({ home: h, backend: "file", passphrase: fixedPass("wrong horse"), scrypt });
  const e = await t.throwsAsync(() => wrong.privateKey("alice"));
  t.regex(e!.message, /passphrase does not unlock the keyring/);
  // Adding with a different passphrase must not create a second, differently-locked key.
  await t.throwsAsync(() => wrong.add("bob", d.privKey), { message: /wrong passphrase/ });
  t.deepEqual(
    readdirSync(join(h, "keyring-file")).filter((f) => f.endsWith(".json")),
    ["alice.json"],
  );
  rmSync(h, { recursive: true });
});

test("test backend: no passphrase needed; keys are plain and separate from the file backend", async (t) => {
  const h = home();
  const kr = new Keyring({ home: h, backend: "test" });
  const d = deriveFromMnemonic(generateMnemonic(), cosmosHdPath());
  await kr.add("bob", d.privKey);
  t.deepEqual(await new Keyring({ home: h, backend: "test" }).privateKey("bob"), d.privKey);
  t.deepEqual(new Keyring({ home: h, backend: "file" }).list(), []);
  rmSync(h, { recursive: true });
});

test("unknown keys, duplicate names and path-like names are clear errors", async (t) => {
  const h = home();
  const kr = new Keyring({ home: h, backend: "test" });
  t.regex(t.throws(() => kr.get("nobody")).message, /no key named "nobody"/);
  const d = deriveFromMnemonic(generateMnemonic(), cosmosHdPath());
  await kr.add("carol", d.privKey);
  await t.throwsAsync(() => kr.add("carol", d.privKey), { message: /already exists/ });
  await t.throwsAsync(() => kr.add("../evil", d.privKey), { message: /invalid key name/ });
  kr.delete("carol");
  t.false(kr.has("carol"));
  rmSync(h, { recursive: true });
});

test("an exported armored key decrypts only with its passphrase", (t) => {
  const secret = new Uint8Array(32).fill(5);
  const armored = armorPrivateKey(encryptWithPassphrase(secret, "export pass", scrypt), "secp256k1");
  t.true(armored.startsWith("-----BEGIN STRIKE PRIVATE KEY-----"));
  const { blob, algo } = unarmorPrivateKey(armored);
  t.is(algo, "secp256k1");
  t.deepEqual(decryptWithPassphrase(blob, "export pass", "key"), secret);
  t.throws(() => decryptWithPassphrase(blob, "nope", "key"), { message: /passphrase is wrong/ });
});
