/**
 * The signature-verification ceiling of this machine: secp256k1 (native libsecp256k1) and
 * ed25519 (node:crypto; libsodium too if `sodium-native` is installed), on one core and on
 * all cores (one worker thread per core). Writes bench/results/verify.json.
 *
 *   npx tsx bench/verify.ts
 */
import { cpus, freemem, totalmem } from "node:os";
import { generateKeyPairSync, sign as edSign, verify as edVerify } from "node:crypto";
import { createRequire } from "node:module";
import { writeFileSync, mkdirSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { join } from "node:path";
import { sha256 } from "../chain/crypto/hash.js";
import { secp256k1PublicKey, signSecp256k1, verifySecp256k1Digest } from "../chain/crypto/secp256k1.js";
import { resultsDir } from "./lib/machine.js";

type Algo = "secp256k1" | "ed25519-node" | "ed25519-sodium";
const SAMPLES = 256;
const DURATION_MS = 2500;

interface Sodium {
  crypto_sign_verify_detached(sig: Buffer, msg: Buffer, pk: Buffer): boolean;
  crypto_sign_keypair(pk: Buffer, sk: Buffer): void;
  crypto_sign_detached(sig: Buffer, msg: Buffer, sk: Buffer): void;
}

function loadSodium(): Sodium | undefined {
  try {
    return createRequire(import.meta.url)("sodium-native") as Sodium;
  } catch {
    return undefined;
  }
}

/** Builds SAMPLES signed messages and returns a verify-one-by-index function. */
function prepare(algo: Algo): (i: number) => boolean {
  const msgs = Array.from({ length: SAMPLES }, (_, i) => sha256(new TextEncoder().encode(`message ${i}`)));
  if (algo === "secp256k1") {
    const items = msgs.map((m, i) => {
      const sk = sha256(new TextEncoder().encode(`key ${i}`));
      // signSecp256k1 hashes the message; verify the digest it signed.
      return { pk: secp256k1PublicKey(sk), digest: sha256(m), sig: signSecp256k1(sk, m) };
    });
    return (i) => {
      const it = items[i % SAMPLES]!;
      return verifySecp256k1Digest(it.pk, it.digest, it.sig);
    };
  }
  if (algo === "ed25519-node") {
    // node:crypto (OpenSSL) itself, with the key object made once as the node's key cache does.
    // Not chain/crypto's verifyEd25519: it remembers signatures it verified, and this loop
    // asks about the same 256 again and again.
    const items = msgs.map((m) => {
      const { publicKey, privateKey } = generateKeyPairSync("ed25519");
      return { key: publicKey, msg: m, sig: edSign(null, m, privateKey) };
    });
    return (i) => {
      const it = items[i % SAMPLES]!;
      return edVerify(null, it.msg, it.key, it.sig);
    };
  }
  const sodium = loadSodium()!;
  const items = msgs.map((m) => {
    const pk = Buffer.alloc(32);
    const sk = Buffer.alloc(64);
    sodium.crypto_sign_keypair(pk, sk);
    const sig = Buffer.alloc(64);
    sodium.crypto_sign_detached(sig, Buffer.from(m), sk);
    return { pk, msg: Buffer.from(m), sig };
  });
  return (i) => {
    const it = items[i % SAMPLES]!;
    return sodium.crypto_sign_verify_detached(it.sig, it.msg, it.pk);
  };
}

/** Verifications per second over DURATION_MS. */
function measure(algo: Algo): number {
  const verify = prepare(algo);
  for (let i = 0; i < 500; i++) if (!verify(i)) throw new TypeError(`${algo}: a valid signature failed`);
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(DURATION_MS) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let k = 0; k < 200; k++) verify(n++);
    now = process.hrtime.bigint();
  }
  return Math.round((n * 1e9) / Number(now - start));
}

/**
 * Worker threads cannot load TypeScript through tsx's loader on Node 20, so the worker is
 * plain CommonJS doing the same work with the same libraries (including the low-S check).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const crypto = require("node:crypto");
const { createRequire } = require("node:module");
const req = createRequire(workerData.base);
const { algo, samples, durationMs } = workerData;
const HALF = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const sha = (b) => crypto.createHash("sha256").update(b).digest();
let verify;
if (algo === "secp256k1") {
  const secp = req("secp256k1");
  const items = Array.from({ length: samples }, (_, i) => {
    const sk = sha("key " + i); const d = sha(sha("message " + i));
    return { pk: secp.publicKeyCreate(sk, true), d, sig: secp.ecdsaSign(d, sk).signature };
  });
  verify = (i) => { const it = items[i % samples]; const s = BigInt("0x" + Buffer.from(it.sig.subarray(32)).toString("hex")); return s <= HALF && secp.ecdsaVerify(it.sig, it.d, it.pk); };
} else if (algo === "ed25519-node") {
  const items = Array.from({ length: samples }, (_, i) => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync("ed25519"); const m = sha("message " + i);
    return { key: publicKey, m, sig: crypto.sign(null, m, privateKey) };
  });
  verify = (i) => { const it = items[i % samples]; return crypto.verify(null, it.m, it.key, it.sig); };
} else {
  const sodium = req("sodium-native");
  const items = Array.from({ length: samples }, (_, i) => {
    const pk = Buffer.alloc(32), sk = Buffer.alloc(64), sig = Buffer.alloc(64); const m = sha("message " + i);
    sodium.crypto_sign_keypair(pk, sk); sodium.crypto_sign_detached(sig, m, sk); return { pk, m, sig };
  });
  verify = (i) => { const it = items[i % samples]; return sodium.crypto_sign_verify_detached(it.sig, it.m, it.pk); };
}
for (let i = 0; i < 500; i++) if (!verify(i)) throw new Error(algo + ": valid signature failed");
let n = 0; const start = process.hrtime.bigint(); const deadline = start + BigInt(durationMs) * 1000000n; let now = start;
while (now < deadline) { for (let k = 0; k < 200; k++) verify(n++); now = process.hrtime.bigint(); }
parentPort.postMessage(Math.round((n * 1e9) / Number(now - start)));
`;

async function allCores(algo: Algo, threads: number): Promise<number> {
  const results = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(WORKER_SOURCE, {
            eval: true,
            workerData: { algo, samples: SAMPLES, durationMs: DURATION_MS, base: import.meta.url },
          });
          w.once("message", (v: number) => resolve(v));
          w.once("error", reject);
        }),
    ),
  );
  return results.reduce((a, b) => a + b, 0);
}

async function main(): Promise<void> {
  const cores = cpus().length;
  const algos: Algo[] = ["secp256k1", "ed25519-node"];
  if (loadSodium() !== undefined) algos.push("ed25519-sodium");
  const figures: Record<string, { perCore: number; allCores: number; threads: number }> = {};
  for (const algo of algos) {
    const perCore = measure(algo);
    const all = await allCores(algo, cores);
    figures[algo] = { perCore, allCores: all, threads: cores };
    console.log(`${algo}: ${perCore} verify/s on one core, ${all} verify/s on ${cores} threads`);
  }
  const result = {
    benchmark: "signature verification",
    unit: "verifications per second",
    figures,
    notes: loadSodium() === undefined ? "sodium-native not installed: ed25519-sodium not measured" : "",
    machine: {
      cpu: cpus()[0]?.model ?? "unknown",
      cores,
      memoryBytes: totalmem(),
      freeMemoryBytes: freemem(),
      node: process.version,
    },
    date: new Date().toISOString(),
  };
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "verify.json"), `${JSON.stringify(result, null, 2)}\n`);
}

await main();
