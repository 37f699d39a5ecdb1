import test from "ava";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256 } from "../../../chain/crypto/hash.js";
import {
  SECP256K1_BINDING_PATH,
  secp256k1PublicKey,
  signSecp256k1,
  toHighS,
  verifySecp256k1Digest,
} from "../../../chain/crypto/secp256k1.js";
import type { SignatureInput } from "../../../chain/crypto/sigCache.js";
import { createSignatureVerifierPool } from "../../../chain/crypto/verifyPool.js";

const key = sha256(new TextEncoder().encode("pool test key"));
const pubkey = secp256k1PublicKey(key);

function signed(i: number): SignatureInput {
  const message = new TextEncoder().encode(`sign doc ${i}`);
  return { pubkey, digest: sha256(message), signature: signSecp256k1(key, message) };
}

/** Valid, tampered, high-S, wrong key, and malformed inputs, with the main thread's verdict. */
function mixedInputs(n: number): { inputs: SignatureInput[]; expected: boolean[] } {
  const inputs: SignatureInput[] = [];
  for (let i = 0; i < n; i++) {
    const s = signed(i);
    switch (i % 6) {
      case 0:
        inputs.push(s);
        break;
      case 1: {
        const sig = Uint8Array.from(s.signature);
        sig[5]! ^= 1;
        inputs.push({ ...s, signature: sig });
        break;
      }
      case 2:
        inputs.push({ ...s, signature: toHighS(s.signature) });
        break;
      case 3:
        inputs.push({ ...s, pubkey: secp256k1PublicKey(sha256(randomBytes(32))) });
        break;
      case 4:
        inputs.push({ ...s, signature: s.signature.subarray(0, 63) });
        break;
      default:
        inputs.push({ ...s, pubkey: Uint8Array.of(9, ...pubkey.subarray(1)) });
    }
  }
  return { inputs, expected: inputs.map((x) => verifySecp256k1Digest(x.pubkey, x.digest, x.signature)) };
}

test("the pool gives the main thread's verdict for valid, tampered, high-S and malformed signatures", async (t) => {
  const pool = createSignatureVerifierPool({ threads: 2, maxBatch: 16 });
  try {
    const { inputs, expected } = mixedInputs(60);
    t.deepEqual(await pool.verify(inputs), expected);
    t.true(expected.includes(true) && expected.includes(false));
    t.false((await pool.verify([{ ...signed(1), signature: toHighS(signed(1).signature) }]))[0]!, "high S");
    t.true(pool.stats().verifiedInWorkers > 0);
  } finally {
    await pool.close();
  }
});

test("requests made in the same turn go to the workers together, in shared batches", async (t) => {
  const pool = createSignatureVerifierPool({ threads: 1, maxBatch: 256 });
  try {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => pool.verify([signed(i)])));
    t.true(results.every((r) => r[0] === true));
    t.is(pool.stats().batches, 1);
    t.is(pool.stats().verifiedInWorkers, 100);
  } finally {
    await pool.close();
  }
});

test("a crashed worker's batches are verified on the main thread and the worker is restarted", async (t) => {
  const failures: unknown[] = [];
  const pool = createSignatureVerifierPool({ threads: 1, maxBatch: 8, onWorkerFailure: (e) => failures.push(e) });
  try {
    const { inputs, expected } = mixedInputs(400);
    const pending = pool.verify(inputs);
    await new Promise((r) => setImmediate(r));
    await pool.crashWorkerForTesting(0);
    t.deepEqual(await pending, expected);
    t.is(pool.stats().restarts, 1);
    t.is(failures.length, 1);
    // The restarted worker serves the next requests.
    const before = pool.stats().verifiedInWorkers;
    t.deepEqual(await pool.verify([signed(1), signed(2)]), [true, true]);
    t.is(pool.stats().verifiedInWorkers, before + 2);
  } finally {
    await pool.close();
  }
});

test("workers that cannot start leave the pool verifying on the main thread, with the same answers", async (t) => {
  const pool = createSignatureVerifierPool({ threads: 1, maxRestarts: 2, bindingPath: "/nonexistent/secp256k1.js" });
  try {
    const { inputs, expected } = mixedInputs(24);
    t.deepEqual(await pool.verify(inputs), expected);
    // Wait for the restarts to fail too (slow on a loaded machine), then verify again.
    const deadline = Date.now() + 30_000;
    while (pool.stats().restarts < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    t.deepEqual(await pool.verify(inputs), expected);
    t.is(pool.stats().restarts, 2);
    t.is(pool.stats().verifiedInWorkers, 0);
  } finally {
    await pool.close();
  }
});

test("a closed pool still answers, on the main thread", async (t) => {
  const pool = createSignatureVerifierPool({ threads: 1 });
  await pool.close();
  t.deepEqual(await pool.verify([signed(3), { ...signed(3), signature: toHighS(signed(3).signature) }]), [true, false]);
  t.is(pool.stats().verifiedInWorkers, 0);
});

test("closing a pool whose workers are still loading the binding lets the load finish, then ends them", async (t) => {
  // A node that refuses to start (a busy port) closes its pool milliseconds after creating
  // it. Terminating a worker in the middle of the native addon's initialisation aborted the
  // whole process (SIGABRT from node-addon-api) instead of letting it exit 1.
  const dir = await mkdtemp(join(tmpdir(), "strike-pool-"));
  try {
    const marker = join(dir, "loaded");
    const slowBinding = join(dir, "slow-binding.cjs");
    await writeFile(
      slowBinding,
      `const end = Date.now() + 300; while (Date.now() < end) {}
require("node:fs").writeFileSync(${JSON.stringify(marker)}, "loaded");
module.exports = require(${JSON.stringify(SECP256K1_BINDING_PATH)});
`,
    );
    const pool = createSignatureVerifierPool({ threads: 1, bindingPath: slowBinding });
    const started = Date.now();
    await pool.close();
    t.true(existsSync(marker), "the worker's load ran to its end before the worker stopped");
    t.true(Date.now() - started < 4_000, "and the worker ended by itself, not by the grace timeout");
    t.deepEqual(await pool.verify([signed(1)]), [true]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("with inlineWhenIdle, a lone request to an idle pool is verified at once on the calling thread; a burst still goes to the workers", async (t) => {
  let inline = true;
  const pool = createSignatureVerifierPool({ threads: 1, maxBatch: 256, inlineWhenIdle: () => inline });
  try {
    const { inputs, expected } = mixedInputs(12);
    // Each in a turn of its own, as requests arriving one at a time.
    for (const [i, input] of inputs.entries()) {
      await new Promise((r) => setImmediate(r));
      t.deepEqual(await pool.verify([input]), [expected[i]]);
    }
    t.is(pool.stats().verifiedInline, 12);
    t.is(pool.stats().batches, 0);
    // A burst in one turn: the first finds the pool idle, the rest are batched to the worker.
    await new Promise((r) => setImmediate(r));
    const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.verify([signed(i)])));
    t.true(burst.every((r) => r[0] === true));
    t.is(pool.stats().verifiedInline, 13);
    t.is(pool.stats().verifiedInWorkers, 49);
    // Not asked to (this node is not the sequencer): the worker, as before.
    inline = false;
    await new Promise((r) => setImmediate(r));
    t.deepEqual(await pool.verify([signed(7)]), [true]);
    t.is(pool.stats().verifiedInline, 13);
    t.is(pool.stats().verifiedInWorkers, 50);
  } finally {
    await pool.close();
  }
});

test("ending workers in the middle of their batches, and exiting with one mid-batch, never aborts the process", async (t) => {
  // Ending a worker thread inside the native binding made node-addon-api throw into C and
  // abort the process (SIGABRT): before the fix, every run of this fixture died so.
  const fixture = fileURLToPath(new URL("./poolExit.fixture.ts", import.meta.url));
  const ends = await Promise.all(
    [0, 1].map(
      () =>
        new Promise<string>((resolve) => {
          const child = spawn(process.execPath, ["--import=tsx", fixture, "40"], {
            stdio: ["ignore", "ignore", "pipe"],
          });
          let stderr = "";
          child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          child.on("exit", (code, signal) => resolve(`code ${code} signal ${signal} ${stderr.trim()}`.trim()));
        }),
    ),
  );
  t.deepEqual(ends, ["code 0 signal null", "code 0 signal null"]);
});

/** The nice value of each of this process's threads (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      // Fields after the command name (which is in parentheses and may hold spaces): state is field 3.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(Number(tid), Number(rest[16]));
    } catch {
      // The thread ended while we listed them.
    }
  }
  return out;
}

async function until(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("setPriority puts every worker thread, and one restarted later, at that nice value; the calling thread keeps its own", async (t) => {
  const own = threadNices().get(process.pid)!;
  // Lowering priority needs no privilege: a nice value above this process's.
  const nice = Math.min(19, own + 7);
  t.not(nice, own, "this process already runs at the lowest priority: nothing to observe");
  const pool = createSignatureVerifierPool({ threads: 2, maxBatch: 4 });
  try {
    const { inputs, expected } = mixedInputs(12);
    t.deepEqual(await pool.verify(inputs), expected);
    pool.setPriority(nice);
    const atNice = () => [...threadNices()].filter(([tid, n]) => tid !== process.pid && n === nice).length;
    await until("both workers at the new nice value", () => atNice() === 2);
    t.is(threadNices().get(process.pid), own, "the calling thread is not moved");
    await pool.crashWorkerForTesting(0);
    await until("the restarted worker to take the nice value too", () => pool.stats().restarts === 1);
    t.deepEqual(await pool.verify(inputs), expected, "the restarted worker answers as before");
    await until("two live workers at the nice value after the restart", () => atNice() === 2);
  } finally {
    await pool.close();
  }
});
