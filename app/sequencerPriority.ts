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
 */
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
}): SequencerPriority {
  const control = o.control ?? threadPriority;
  if (o.boost <= 0) return { update: () => {} };
  const normal = control.get();
  // Nice values stop at -20.
  const boosted = Math.max(-20, normal - o.boost);
  let raised = false;
  let unavailable = false;
  return {
    update(isSequencer) {
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
    },
  };
}
