/**
 * The text format of `strike keys export`: an ASCII-armored, passphrase-encrypted
 * private key (headers carry the scrypt and AES-GCM parameters, the body the ciphertext).
 */
import { keyringErrors } from "./errors.js";
import type { EncryptedBlob } from "./cipher.js";

const BEGIN = "-----BEGIN STRIKE PRIVATE KEY-----";
const END = "-----END STRIKE PRIVATE KEY-----";

export function armorPrivateKey(blob: EncryptedBlob, algo: string): string {
  const headers = [
    `kdf: ${blob.kdf}`,
    `type: ${algo}`,
    `cipher: ${blob.cipher}`,
    `n: ${blob.n}`,
    `r: ${blob.r}`,
    `p: ${blob.p}`,
    `salt: ${blob.salt}`,
    `iv: ${blob.iv}`,
    `tag: ${blob.tag}`,
  ];
  const body =
    Buffer.from(blob.ciphertext, "hex")
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return [BEGIN, ...headers, "", ...body, END, ""].join("\n");
}

export function unarmorPrivateKey(text: string): { blob: EncryptedBlob; algo: string } {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .map((l) => l.trim());
  const start = lines.indexOf(BEGIN);
  const end = lines.indexOf(END);
  if (start < 0 || end < start)
    throw keyringErrors.invalidKeyFile(`expected an armored key between "${BEGIN}" and "${END}"`);
  const headers = new Map<string, string>();
  let i = start + 1;
  for (; i < end && lines[i] !== ""; i++) {
    const m = /^([a-z_]+):\s*(.*)$/.exec(lines[i]!);
    if (m === null) throw keyringErrors.invalidKeyFile(`bad armor header line "${lines[i]}"`);
    headers.set(m[1]!, m[2]!);
  }
  const need = (k: string): string => {
    const v = headers.get(k);
    if (v === undefined) throw keyringErrors.invalidKeyFile(`armor header "${k}" is missing`);
    return v;
  };
  const num = (k: string): number => {
    const v = Number(need(k));
    if (!Number.isSafeInteger(v) || v <= 0)
      throw keyringErrors.invalidKeyFile(`armor header "${k}" must be a positive integer`);
    return v;
  };
  if (need("kdf") !== "scrypt" || need("cipher") !== "aes-256-gcm")
    throw keyringErrors.invalidKeyFile("only kdf scrypt with cipher aes-256-gcm is supported");
  const body = lines.slice(i + 1, end).join("");
  const blob: EncryptedBlob = {
    kdf: "scrypt",
    n: num("n"),
    r: num("r"),
    p: num("p"),
    salt: need("salt"),
    cipher: "aes-256-gcm",
    iv: need("iv"),
    ciphertext: Buffer.from(body, "base64").toString("hex"),
    tag: need("tag"),
  };
  return { blob, algo: need("type") };
}
