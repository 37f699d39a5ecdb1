/**
 * What consensus says when it is stuck. The driver runs its work one task at a time, so a
 * task that never finishes freezes the node: the watchdog logs it, naming the task. A height
 * that does not end is logged with whose votes the node holds in each round, so an operator
 * sees at once whether peers' votes arrive. Durations run on a clock that never steps.
 */
import type { ConsensusState } from "./reducerTypes.js";
import type { ConsensusLogger } from "./types.js";
import type { VoteSet } from "./voteSet.js";

/** A consensus task running longer than this is logged. */
export const TASK_WARN_MS = 4_000;
/** A height lasting longer than this is logged with the votes held, then again at this interval. */
export const STUCK_REPORT_MS = 15_000;

const mono = (): number => performance.now();

export interface ConsensusWatchdog {
  /** Around each queued task. */
  taskStarted(what: string): void;
  taskFinished(): void;
  /** A task was queued / left the queue. */
  queued(delta: 1 | -1): void;
  /** The state after an event: a new height restarts the height's clock. */
  observed(cs: ConsensusState): void;
  /** Called every TASK_WARN_MS / 4 while consensus runs. */
  tick(cs: ConsensusState | undefined): void;
  /** How long the current height has lasted (ms). */
  heightAgeMs(): number;
  busy(): { task: string; runningMs: number } | undefined;
  queueLength(): number;
}

/** Which validators' votes are held in each round of the height, as "0,2,3". */
export function votesSeen(sets: ReadonlyMap<number, VoteSet>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [round, vs] of [...sets].sort((a, b) => a[0] - b[0])) {
    const who: number[] = [];
    vs.allVotes().forEach((v, i) => v !== undefined && who.push(i));
    out[`r${round}`] = who.join(",");
  }
  return out;
}

export function createConsensusWatchdog(log: ConsensusLogger | undefined): ConsensusWatchdog {
  let busy: { what: string; sinceMs: number; warned: boolean } | undefined;
  let queued = 0;
  let height: bigint | undefined;
  let heightStartedAtMs = mono();
  let reportedAtMs = 0;

  function stuckHeightReport(cs: ConsensusState): void {
    const t = mono();
    // In "commit" the height is decided and the next one may wait for txs (create_empty_blocks).
    if (cs.step === "commit" || t - heightStartedAtMs < STUCK_REPORT_MS) return;
    if (t - Math.max(reportedAtMs, heightStartedAtMs) < STUCK_REPORT_MS) return;
    reportedAtMs = t;
    log?.warn("height has not ended", {
      height: String(cs.height),
      for_ms: Math.round(t - heightStartedAtMs),
      round: cs.round,
      step: cs.step,
      proposals: [...cs.proposals.keys()].join(","),
      prevotes: votesSeen(cs.prevotes),
      precommits: votesSeen(cs.precommits),
      ...(busy === undefined ? {} : { busy_task: busy.what }),
    });
  }

  return {
    taskStarted(what) {
      busy = { what, sinceMs: mono(), warned: false };
    },
    taskFinished() {
      if (busy?.warned === true)
        log?.warn("slow consensus task finished", { task: busy.what, took_ms: Math.round(mono() - busy.sinceMs) });
      busy = undefined;
    },
    queued(delta) {
      queued += delta;
    },
    observed(cs) {
      if (cs.height === height) return;
      height = cs.height;
      heightStartedAtMs = mono();
    },
    tick(cs) {
      const b = busy;
      if (b !== undefined && !b.warned && mono() - b.sinceMs >= TASK_WARN_MS) {
        b.warned = true;
        log?.warn("consensus task is taking long: everything else waits behind it", {
          task: b.what,
          running_ms: Math.round(mono() - b.sinceMs),
          queued,
          ...(cs === undefined ? {} : { height: String(cs.height), round: cs.round, step: cs.step }),
        });
      }
      if (cs !== undefined) stuckHeightReport(cs);
    },
    heightAgeMs: () => mono() - heightStartedAtMs,
    busy: () => (busy === undefined ? undefined : { task: busy.what, runningMs: Math.round(mono() - busy.sinceMs) }),
    queueLength: () => queued,
  };
}
