/**
 * secp256k1 verification off the main thread: a small pool of worker threads running the
 * same native `ecdsaVerify` as verifySecp256k1Digest. Requests made in the same turn of the
 * event loop (concurrent RPC calls, a gossiped burst) go out together in batches, one
 * message per batch, so the per-message cost is shared.
 *
 * It never fails a caller: a worker that dies or errors has its batches verified on the main
 * thread and is restarted (up to `maxRestarts` times, then the pool verifies on the main
 * thread). The answer is the same either way: the same checks on the same bytes.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { SignatureInput } from "./sigCache.js";
import {
  SECP256K1_BINDING_PATH,
  SECP256K1_PUBKEY_LENGTH,
  SECP256K1_SIGNATURE_LENGTH,
  isVerifiableSecp256k1Input,
  verifySecp256k1Digest,
} from "./secp256k1.js";

/** Verifies many inputs; results in input order. Never rejects. */
export interface SignatureVerifier {
  verify(inputs: readonly SignatureInput[]): Promise<boolean[]>;
}

export interface VerifierPoolStats {
  threads: number;
  /** Inputs verified by the workers, on the main thread after a worker failure, and refused by the pre-checks. */
  verifiedInWorkers: number;
  verifiedOnMainThread: number;
  /** Lone requests verified on the calling thread because the pool was idle (`inlineWhenIdle`). */
  verifiedInline: number;
  refusedByPrecheck: number;
  batches: number;
  restarts: number;
}

export interface SignatureVerifierPool extends SignatureVerifier {
  stats(): VerifierPoolStats;
  /** Stops the workers; later calls verify on the main thread. */
  close(): Promise<void>;
  /**
   * Puts every worker thread (and any restarted later) at this nice value: the sequencer's
   * receipts wait on its signature checks, so its workers take the priority its event loop
   * takes (app/sequencerPriority.ts). Best effort: a worker not permitted stays as it is.
   */
  setPriority(nice: number): void;
  /** TESTS ONLY: ends worker `index` as a crash would (its batches in flight fall back). */
  crashWorkerForTesting(index: number): Promise<void>;
}

export interface VerifierPoolOptions {
  /** Worker threads; default one less than the cores (at least one). */
  threads?: number;
  /** Inputs per message to a worker. */
  maxBatch?: number;
  /** Restarts of failed workers before the pool stays on the main thread. */
  maxRestarts?: number;
  /** The native binding the workers load (a bad path is how tests make workers fail). */
  bindingPath?: string;
  onWorkerFailure?: (error: unknown) => void;
  /**
   * Asked for a request of one input while nothing is queued or in flight (and none was
   * verified inline in this turn of the event loop): true verifies it on the calling thread
   * at once. A worker round trip puts the answer back in the event loop's queue, behind
   * whatever arrived meanwhile (a block to commit); one verification costs ~50 µs. So a lone
   * tx, which a client is usually waiting on, goes faster; a burst still goes to the workers.
   */
  inlineWhenIdle?: () => boolean;
}

const DIGEST_LENGTH = 32;
/** One input in a batch message: pubkey | digest | signature. */
const STRIDE = SECP256K1_PUBKEY_LENGTH + DIGEST_LENGTH + SECP256K1_SIGNATURE_LENGTH;

/**
 * Each worker shares two int32 words with the pool: STOP, set by the pool when the worker
 * must halt, and BUSY, set by the worker while it runs native code (the binding's load, a
 * batch). A worker thread ended while inside the native binding aborts the whole process:
 * the addon (C++ node-addon-api) throws while its env is terminating, and that exception
 * escapes into C ("terminate called after throwing an instance of 'Napi::Error'",
 * SIGABRT). That happens on `worker.terminate()` and equally when the process exits with a
 * worker mid-batch. So before a worker is ended the pool sets STOP and waits for BUSY to
 * clear: a busy worker checks STOP before every verification and parks (in
 * `Atomics.wait`, which termination interrupts cleanly) instead of going on.
 */
const STOP = 0;
const BUSY = 1;

// CommonJS run with `eval`: no file to resolve, so it works from the sources (tsx) and from dist/ alike.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const control = new Int32Array(workerData.control);
function idle() {
  Atomics.store(control, ${BUSY}, 0);
  Atomics.notify(control, ${BUSY});
}
function park() {
  idle();
  for (;;) Atomics.wait(control, ${STOP}, 1);
}
Atomics.store(control, ${BUSY}, 1);
let native;
try {
  native = require(workerData.bindingPath);
} finally {
  idle();
}
const STRIDE = ${STRIDE};
parentPort.on("message", ({ id, n, bytes, close, nice }) => {
  if (close === true) {
    parentPort.close();
    return;
  }
  if (nice !== undefined) {
    // This thread's own nice value (Linux: setpriority on the calling thread's id).
    try {
      require("node:os").setPriority(0, nice);
    } catch {
      // Not permitted: the pool's owner learnt that from its own thread already.
    }
    return;
  }
  Atomics.store(control, ${BUSY}, 1);
  const b = new Uint8Array(bytes);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (Atomics.load(control, ${STOP}) === 1) park();
    const o = i * STRIDE;
    try {
      out[i] = native.ecdsaVerify(b.subarray(o + ${SECP256K1_PUBKEY_LENGTH + DIGEST_LENGTH}, o + STRIDE), b.subarray(o + ${SECP256K1_PUBKEY_LENGTH}, o + ${SECP256K1_PUBKEY_LENGTH + DIGEST_LENGTH}), b.subarray(o, o + ${SECP256K1_PUBKEY_LENGTH})) ? 1 : 0;
    } catch {
      out[i] = 0;
    }
  }
  idle();
  parentPort.postMessage({ id, out }, [out.buffer]);
});
`;

/** The longest the pool blocks waiting for a worker to leave native code (a batch takes milliseconds). */
const HALT_WAIT_MS = 2_000;

/** A started worker and its shared control words. */
interface Running {
  worker: Worker;
  control: Int32Array;
}

/** Asks a worker to halt and blocks until it is out of native code: it can then be ended safely. */
function haltNative(running: Running): void {
  Atomics.store(running.control, STOP, 1);
  Atomics.notify(running.control, STOP);
  Atomics.wait(running.control, BUSY, 1, HALT_WAIT_MS);
}

/** Workers the process must halt before it exits (see STOP and BUSY). */
const live = new Set<Running>();
let exitHookInstalled = false;
function watchForExit(running: Running): void {
  live.add(running);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const r of live) haltNative(r);
  });
}

/** Ends a worker at once, without catching it inside the native binding. */
function terminate(running: Running): Promise<void> {
  live.delete(running);
  haltNative(running);
  return running.worker.terminate().then(() => undefined);
}

interface Job {
  input: SignatureInput;
  resolve: (valid: boolean) => void;
}

interface Slot {
  running: Running | undefined;
  /** Batches sent and not answered, by id. */
  inflight: Map<number, Job[]>;
  jobsInFlight: number;
}

/** How long a closing pool waits for a worker to end by itself before terminating it. */
const STOP_GRACE_MS = 5_000;

/**
 * Ends a worker by asking it to close its port, which it reads after the batches sent
 * before and only once its script, the native binding's load included, has run (a node
 * that refuses to start for a busy port closes its pool milliseconds after creating it).
 * A worker that does not end in time is halted and terminated.
 */
function stopWorker(running: Running): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => void terminate(running).then(resolve), STOP_GRACE_MS);
    running.worker.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    running.worker.postMessage({ close: true });
  });
}

export function createSignatureVerifierPool(options: VerifierPoolOptions = {}): SignatureVerifierPool {
  const threads = Math.max(1, options.threads ?? availableParallelism() - 1);
  const maxBatch = Math.max(1, options.maxBatch ?? 256);
  const maxRestarts = options.maxRestarts ?? 16;
  const bindingPath = options.bindingPath ?? SECP256K1_BINDING_PATH;
  const stats: VerifierPoolStats = {
    threads,
    verifiedInWorkers: 0,
    verifiedOnMainThread: 0,
    verifiedInline: 0,
    refusedByPrecheck: 0,
    batches: 0,
    restarts: 0,
  };
  let closed = false;
  let nextBatchId = 1;
  /** The nice value set by setPriority, given to every worker started after it too. */
  let nice: number | undefined;
  let queue: Job[] = [];
  let flushScheduled = false;
  const slots: Slot[] = [];

  function verifyHere(jobs: readonly Job[]): void {
    for (const j of jobs) {
      stats.verifiedOnMainThread++;
      j.resolve(verifySecp256k1Digest(j.input.pubkey, j.input.digest, j.input.signature));
    }
  }

  function failed(slot: Slot, running: Running, error: unknown): void {
    if (slot.running !== running) return;
    slot.running = undefined;
    const orphans = [...slot.inflight.values()];
    slot.inflight.clear();
    slot.jobsInFlight = 0;
    for (const jobs of orphans) verifyHere(jobs);
    if (closed) return;
    options.onWorkerFailure?.(error);
    // It emitted an error or exited: it runs no more code, native or not.
    void running.worker.terminate();
    if (stats.restarts < maxRestarts) {
      stats.restarts++;
      start(slot);
    }
  }

  function start(slot: Slot): void {
    const control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bindingPath, control: control.buffer } });
    const running: Running = { worker, control };
    // The pool must not keep a stopping process alive; the exit hook halts it first.
    worker.unref();
    watchForExit(running);
    slot.running = running;
    if (nice !== undefined) worker.postMessage({ nice });
    worker.on("message", ({ id, out }: { id: number; out: Uint8Array }) => {
      const jobs = slot.inflight.get(id);
      if (jobs === undefined) return;
      slot.inflight.delete(id);
      slot.jobsInFlight -= jobs.length;
      stats.verifiedInWorkers += jobs.length;
      jobs.forEach((j, i) => j.resolve(out[i] === 1));
    });
    worker.on("error", (e) => failed(slot, running, e));
    worker.on("exit", (code) => {
      live.delete(running);
      failed(slot, running, new Error(`verifier worker exited with code ${code}`));
    });
  }

  for (let i = 0; i < threads; i++) {
    const slot: Slot = { running: undefined, inflight: new Map(), jobsInFlight: 0 };
    slots.push(slot);
    start(slot);
  }

  function send(jobs: Job[]): void {
    let slot: Slot | undefined;
    for (const s of slots)
      if (s.running !== undefined && (slot === undefined || s.jobsInFlight < slot.jobsInFlight)) slot = s;
    if (slot === undefined || slot.running === undefined || closed) {
      verifyHere(jobs);
      return;
    }
    const bytes = new Uint8Array(jobs.length * STRIDE);
    jobs.forEach((j, i) => {
      const o = i * STRIDE;
      bytes.set(j.input.pubkey, o);
      bytes.set(j.input.digest, o + SECP256K1_PUBKEY_LENGTH);
      bytes.set(j.input.signature, o + SECP256K1_PUBKEY_LENGTH + DIGEST_LENGTH);
    });
    const id = nextBatchId++;
    slot.inflight.set(id, jobs);
    slot.jobsInFlight += jobs.length;
    stats.batches++;
    slot.running.worker.postMessage({ id, n: jobs.length, bytes: bytes.buffer }, [bytes.buffer]);
  }

  function flush(): void {
    flushScheduled = false;
    const jobs = queue;
    queue = [];
    for (let i = 0; i < jobs.length; i += maxBatch) send(jobs.slice(i, i + maxBatch));
  }

  /** A request was verified inline in this turn of the event loop: the rest of a burst goes to the workers. */
  let inlineThisTurn = false;
  const idle = (): boolean => !inlineThisTurn && queue.length === 0 && slots.every((s) => s.jobsInFlight === 0);

  return {
    verify(inputs) {
      if (inputs.length === 1 && options.inlineWhenIdle !== undefined && idle() && options.inlineWhenIdle()) {
        const input = inputs[0]!;
        stats.verifiedInline++;
        inlineThisTurn = true;
        setImmediate(() => (inlineThisTurn = false));
        return Promise.resolve([verifySecp256k1Digest(input.pubkey, input.digest, input.signature)]);
      }
      return Promise.all(
        inputs.map(
          (input) =>
            new Promise<boolean>((resolve) => {
              // What fails the cheap checks is invalid whatever the curve says: no trip to a worker.
              if (!isVerifiableSecp256k1Input(input.pubkey, input.digest, input.signature)) {
                stats.refusedByPrecheck++;
                resolve(false);
                return;
              }
              queue.push({ input, resolve });
              if (queue.length >= maxBatch) flush();
              else if (!flushScheduled) {
                flushScheduled = true;
                setImmediate(flush);
              }
            }),
        ),
      );
    },
    stats: () => ({ ...stats }),
    setPriority(next) {
      nice = next;
      for (const s of slots) s.running?.worker.postMessage({ nice });
    },
    async close() {
      closed = true;
      const stopping: Promise<void>[] = [];
      for (const s of slots) {
        const r = s.running;
        if (r === undefined) continue;
        failed(s, r, new Error("pool closed"));
        stopping.push(stopWorker(r));
      }
      await Promise.all(stopping);
    },
    async crashWorkerForTesting(index) {
      const r = slots[index]?.running;
      if (r !== undefined) await terminate(r);
    },
  };
}
