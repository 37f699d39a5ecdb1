/**
 * A process that ends its verifier pool's worker again and again in the middle of a batch,
 * then exits with a batch running (verifyPool.test.ts runs it). argv: how many crashes.
 */
import { sha256 } from "../../../chain/crypto/hash.js";
import { secp256k1PublicKey, signSecp256k1 } from "../../../chain/crypto/secp256k1.js";
import { createSignatureVerifierPool } from "../../../chain/crypto/verifyPool.js";

const crashes = Number(process.argv[2]);
const key = sha256(new TextEncoder().encode("exit fixture"));
const message = new TextEncoder().encode("doc");
const input = { pubkey: secp256k1PublicKey(key), digest: sha256(message), signature: signSecp256k1(key, message) };
const pool = createSignatureVerifierPool({ threads: 1, maxBatch: 500, maxRestarts: crashes });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i <= crashes; i++) {
  // A batch answered: the (restarted) worker has loaded the binding.
  while ((await pool.verify([input, input])).length !== 2 || pool.stats().verifiedInWorkers === 0) await sleep(1);
  const before = pool.stats().verifiedInWorkers;
  void pool.verify(Array.from({ length: 2_000 }, () => input));
  // Wait until the worker is answering the big request's batches: it is mid-batch now.
  while (pool.stats().verifiedInWorkers === before) await sleep(1);
  if (i < crashes) await pool.crashWorkerForTesting(0);
}
process.exit(0);
