/**
 * config.toml `sequencer.priority_boost`: while this node is the sequencer, its event-loop
 * thread runs that many nice levels above where it started, and goes back when the epoch
 * passes to another validator.
 *
 * Why: a receipt is a few hundred microseconds of this thread's work, but where validators
 * share cores (a localnet: four nodes on two cores here) it waits for the OS to give the
 * thread a core, behind the other validators' block execution. Measured on the 4-validator
 * localnet at 100 orders/s: server-side receipt p99 20 ms at equal priority, 3.7 ms with the
 * sequencer's thread at nice -10; at 300 orders/s p50 12.7 → 0.64 ms. The price is paid by
 * the other validators, which follow blocks a little later: past saturation (500 orders/s
 * offered) commit p50 went from 1.2 to 2.0 s; at 100 orders/s it did not move (~250 ms).
 *
 * The event-loop thread changes (Linux's setpriority on a thread id, which node's
 * `os.setPriority(0, …)` is from the main thread), and so do the signature workers
 * (`followers`): a tx's signature is checked there before it is sequenced, and a worker left
 * at the old priority waits for a core behind the other validators while the boosted event
 * loop waits for it. Over three alternated pairs of 15 s runs at 200 orders/s (2026-12-04),
 * server-side receipt p99 was 6.6, 7.2 and 22.8 ms with the workers following against 12.0,
 * 14.6 and 9.0 ms without; p50 and commit latency did not move. libuv's pool and RocksDB's
 * threads keep their priority. Raising priority needs root or CAP_SYS_NICE; without
 * it the node says so once and runs as it would with 0. `strike testnet` writes 10 (its
 * validators share a machine by construction); `strike init` writes 0.
 *
 * config.toml `sequencer.realtime_priority` goes further for the event-loop thread: while
 * sequencing it runs under Linux's real-time round-robin policy (SCHED_RR) at that priority,
 * back to the normal policy after. A nice value only weighs a thread's share of the cores: at
 * 500 orders/s on the localnet, the machine's 2 cores saturated, the boosted event loop still
 * waited for a core ~10% of the time. A real-time thread takes a core from any normal thread
 * the moment it is runnable. Four alternated pairs at 500 orders/s (2026-12-06): the wait went
 * to 0, server-side receipt p50 0.62–2.5 ms against 4.6–10.9 ms, p99 34–69 against 57–197 ms;
 * the clients' latency (to the sequencer's node and through another) and the commit latency
 * moved either way from pair to pair, no better and no worse. The signature workers stay
 * normal: made real-time too, in two pairs, they took cores from the relaying validators and
 * the clients (through another node p50 876 and 1,588 ms against 429 and 647). A real-time
 * thread uses at most one core, and the kernel leaves normal threads 5% of each core at least
 * (sched_rt_runtime_us). Set with util-linux `chrt` (Node has no sched_setscheduler); without
 * it, or without the privilege, the node says so once and runs as with 0. `strike testnet`
 * writes 1; `strike init` writes 0.
 */
import { execFile } from "node:child_process";
import { getPriority, setPriority } from "node:os";
import type { NodeLogger } from "../chain/node/logger.js";

export interface SequencerPriority {
  /** Whether this node is the sequencer now (called after every committed block). */
  update(isSequencer: boolean): void;
}

export interface PriorityControl {
  get(): number;
  set(nice: number): void;
}

/** A thread's scheduling policy: real-time round-robin at `priority` (1–99), or the normal policy (0). */
export interface RealtimeControl {
  set(tid: number, priority: number): Promise<void>;
}

/** Through util-linux `chrt` (Linux's sched_setscheduler on one thread id). */
export const chrtRealtime: RealtimeControl = {
  set: (tid, priority) =>
    new Promise((resolve, reject) => {
      const args = priority > 0 ? ["--rr", "-p", String(priority), String(tid)] : ["--other", "-p", "0", String(tid)];
      execFile("chrt", args, { timeout: 5_000 }, (e, _out, err) => {
        if (e === null) resolve();
        else reject(new Error(String(err).trim() || e.message));
      });
    }),
};

/** The calling thread's nice value through node:os (pid 0: this thread on Linux). */
export const threadPriority: PriorityControl = {
  get: () => getPriority(0),
  set: (nice) => setPriority(0, nice),
};

export function createSequencerPriority(o: {
  boost: number;
  log: NodeLogger;
  control?: PriorityControl;
  /** Other threads that follow the event loop's nice value (the signature workers), told after each change. */
  followers?: (nice: number) => void;
  /** The event loop's SCHED_RR priority while sequencing (1–99; 0: never). */
  realtime?: number;
  realtimeControl?: RealtimeControl;
  /** The event loop's thread id (on Linux the pid is the main thread's). */
  tid?: number;
}): SequencerPriority {
  const nice = niceLever(o);
  const realtime = realtimeLever(o);
  return {
    update(isSequencer) {
      nice(isSequencer);
      realtime(isSequencer);
    },
  };
}

/** The nice value: `boost` levels up while sequencing, back after. */
function niceLever(o: {
  boost: number;
  log: NodeLogger;
  control?: PriorityControl;
  followers?: (nice: number) => void;
}): (isSequencer: boolean) => void {
  const control = o.control ?? threadPriority;
  if (o.boost <= 0) return () => {};
  const normal = control.get();
  // Nice values stop at -20.
  const boosted = Math.max(-20, normal - o.boost);
  let raised = false;
  let unavailable = false;
  return (isSequencer) => {
    if (unavailable || isSequencer === raised) return;
    const nice = isSequencer ? boosted : normal;
    try {
      control.set(nice);
    } catch (e) {
      if (isSequencer) {
        unavailable = true;
        o.log.warn(
          "cannot raise the sequencer's CPU priority (sequencer.priority_boost needs root or CAP_SYS_NICE): receipts compete for the CPU like any other work",
          { priority_boost: o.boost, error: e instanceof Error ? e.message : String(e) },
        );
      } else {
        unavailable = true;
        o.log.error("cannot lower the CPU priority back after sequencing", {
          nice: control.get(),
          error: e instanceof Error ? e.message : String(e),
        });
      }
      return;
    }
    raised = isSequencer;
    o.followers?.(nice);
    o.log.info(isSequencer ? "sequencing: event loop at raised CPU priority" : "not sequencing: CPU priority back", {
      nice,
    });
  };
}

/**
 * The event loop's scheduling policy: SCHED_RR while sequencing, the normal policy after.
 * Another process makes each change, so the changes are chained: the last role asked for is
 * the last one set, however quickly epochs turn.
 */
function realtimeLever(o: {
  log: NodeLogger;
  realtime?: number;
  realtimeControl?: RealtimeControl;
  tid?: number;
}): (isSequencer: boolean) => void {
  const priority = o.realtime ?? 0;
  if (priority <= 0) return () => {};
  const control = o.realtimeControl ?? chrtRealtime;
  const tid = o.tid ?? process.pid;
  let wanted = false;
  let unavailable = false;
  let chain = Promise.resolve();
  return (isSequencer) => {
    if (unavailable || isSequencer === wanted) return;
    wanted = isSequencer;
    const next = isSequencer ? priority : 0;
    chain = chain.then(() =>
      control.set(tid, next).then(
        () =>
          o.log.info(
            isSequencer
              ? "sequencing: event loop under real-time scheduling (SCHED_RR)"
              : "not sequencing: event loop under normal scheduling again",
            { realtime_priority: next },
          ),
        (e: unknown) => {
          if (unavailable) return;
          unavailable = true;
          const error = e instanceof Error ? e.message : String(e);
          if (isSequencer)
            o.log.warn(
              "cannot put the sequencer's event loop under real-time scheduling (sequencer.realtime_priority needs Linux, util-linux chrt, and root or CAP_SYS_NICE): it runs under the normal policy",
              { realtime_priority: priority, error },
            );
          else o.log.error("cannot put the event loop back under normal scheduling after sequencing", { error });
        },
      ),
    );
  };
}
