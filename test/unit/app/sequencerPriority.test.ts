import test from "ava";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import {
  chrtRealtime,
  createSequencerPriority,
  type PriorityControl,
  type RealtimeControl,
} from "../../../app/sequencerPriority.js";
import type { NodeLogger } from "../../../chain/node/logger.js";

function recordingLog(): NodeLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = {
    lines,
    debug: (m: string) => lines.push(`debug ${m}`),
    info: (m: string) => lines.push(`info ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
    error: (m: string) => lines.push(`error ${m}`),
    with: () => log,
  };
  return log;
}

function fakeThread(start: number, mayRaise: boolean): PriorityControl & { nice: number; calls: number } {
  const t = {
    nice: start,
    calls: 0,
    get: () => t.nice,
    set: (n: number) => {
      t.calls++;
      if (n < t.nice && !mayRaise) throw new Error("EACCES: permission denied");
      t.nice = n;
    },
  };
  return t;
}

test("the sequencer's thread is raised by the boost while it sequences and put back after", (t) => {
  const thread = fakeThread(0, true);
  const p = createSequencerPriority({ boost: 10, log: recordingLog(), control: thread });
  p.update(false);
  t.is(thread.nice, 0);
  t.is(thread.calls, 0, "nothing to change while not sequencing");
  p.update(true);
  t.is(thread.nice, -10);
  p.update(true);
  t.is(thread.calls, 1, "set once per change of role, not per block");
  p.update(false);
  t.is(thread.nice, 0);
  p.update(true);
  t.is(thread.nice, -10);
});

test("the boost counts from where the thread started and stops at -20", (t) => {
  const thread = fakeThread(-15, true);
  const p = createSequencerPriority({ boost: 10, log: recordingLog(), control: thread });
  p.update(true);
  t.is(thread.nice, -20);
  p.update(false);
  t.is(thread.nice, -15);
});

test("without the privilege the node says so once and runs as without the boost", (t) => {
  const thread = fakeThread(0, false);
  const log = recordingLog();
  const p = createSequencerPriority({ boost: 10, log, control: thread });
  for (let i = 0; i < 5; i++) {
    p.update(true);
    p.update(false);
  }
  t.is(thread.nice, 0);
  t.is(thread.calls, 1);
  t.is(log.lines.filter((l) => l.startsWith("warn cannot raise")).length, 1);
});

test("a boost of 0 never touches the priority", (t) => {
  const thread = fakeThread(0, true);
  const p = createSequencerPriority({ boost: 0, log: recordingLog(), control: thread });
  p.update(true);
  p.update(false);
  t.is(thread.calls, 0);
});

test("the followers (the signature workers) are given each nice value the event loop takes, and none it could not take", (t) => {
  const thread = fakeThread(0, true);
  const followed: number[] = [];
  const p = createSequencerPriority({
    boost: 10,
    log: recordingLog(),
    control: thread,
    followers: (n) => followed.push(n),
  });
  p.update(false);
  p.update(true);
  p.update(true);
  p.update(false);
  t.deepEqual(followed, [-10, 0], "once per change of role, with the event loop's value");

  const unprivileged = fakeThread(0, false);
  const none: number[] = [];
  const q = createSequencerPriority({
    boost: 10,
    log: recordingLog(),
    control: unprivileged,
    followers: (n) => none.push(n),
  });
  q.update(true);
  q.update(false);
  t.deepEqual(none, [], "a raise the event loop was refused is not tried on the workers");
});

function fakeScheduler(mayRaise: boolean): RealtimeControl & { policy: Map<number, number>; calls: number } {
  const s = {
    policy: new Map<number, number>(),
    calls: 0,
    async set(tid: number, priority: number) {
      s.calls++;
      // chrt runs as another process: the answer comes back later.
      await new Promise((r) => setTimeout(r, 5));
      if (priority > 0 && !mayRaise) throw new Error("chrt: failed to set pid 7's policy: Operation not permitted");
      s.policy.set(tid, priority);
    },
  };
  return s;
}

const settle = () => new Promise((r) => setTimeout(r, 50));

test("the sequencer's event loop runs under SCHED_RR while it sequences, and under the normal policy after", async (t) => {
  const sched = fakeScheduler(true);
  const log = recordingLog();
  const p = createSequencerPriority({ boost: 0, log, realtime: 1, realtimeControl: sched, tid: 7 });
  p.update(false);
  await settle();
  t.is(sched.calls, 0, "nothing to change while not sequencing");
  p.update(true);
  p.update(true);
  await settle();
  t.is(sched.policy.get(7), 1);
  t.is(sched.calls, 1, "set once per change of role, not per block");
  p.update(false);
  await settle();
  t.is(sched.policy.get(7), 0);
  t.true(log.lines.includes("info sequencing: event loop under real-time scheduling (SCHED_RR)"));
});

test("epochs that turn faster than chrt answers end with the policy of the last role", async (t) => {
  const sched = fakeScheduler(true);
  const p = createSequencerPriority({ boost: 0, log: recordingLog(), realtime: 5, realtimeControl: sched, tid: 7 });
  for (let i = 0; i < 4; i++) {
    p.update(true);
    p.update(false);
  }
  p.update(true);
  await new Promise((r) => setTimeout(r, 200));
  t.is(sched.policy.get(7), 5);
  t.is(sched.calls, 9, "each change made, in order");
});

test("without real-time scheduling the node says so once and keeps the nice boost", async (t) => {
  const sched = fakeScheduler(false);
  const thread = fakeThread(0, true);
  const log = recordingLog();
  const p = createSequencerPriority({ boost: 10, control: thread, log, realtime: 1, realtimeControl: sched });
  const warnings = () =>
    log.lines.filter((l) => l.startsWith("warn cannot put the sequencer's event loop under real-time")).length;
  for (let i = 0; i < 3; i++) {
    p.update(true);
    // The refusal comes back from another process: wait for it however loaded the machine is.
    for (let waited = 0; warnings() === 0 && waited < 10_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    await settle();
    t.is(thread.nice, -10, "the nice boost does not depend on the policy");
    p.update(false);
    await settle();
  }
  t.is(sched.calls, 1, "not tried again after a refusal");
  t.is(warnings(), 1);
});

test("a realtime_priority of 0 never changes the policy", async (t) => {
  const sched = fakeScheduler(true);
  const p = createSequencerPriority({ boost: 0, log: recordingLog(), realtime: 0, realtimeControl: sched });
  p.update(true);
  p.update(false);
  await settle();
  t.is(sched.calls, 0);
});

/** /proc/<pid>/stat: after the command's closing parenthesis, field 40 is rt_priority and 41 the policy. */
function schedOf(pid: number): { policy: number; rtPriority: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { rtPriority: Number(fields[40 - 3]), policy: Number(fields[41 - 3]) };
}

test("chrtRealtime puts a real thread under SCHED_RR and back, and says why when it cannot", async (t) => {
  if (process.platform !== "linux" || process.getuid?.() !== 0) {
    await t.throwsAsync(() => chrtRealtime.set(process.pid, 1), undefined, "refused without the privilege");
    return;
  }
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  try {
    t.deepEqual(schedOf(child.pid!), { policy: 0, rtPriority: 0 });
    await chrtRealtime.set(child.pid!, 3);
    t.deepEqual(schedOf(child.pid!), { policy: 2, rtPriority: 3 }, "SCHED_RR (2) at priority 3");
    await chrtRealtime.set(child.pid!, 0);
    t.deepEqual(schedOf(child.pid!), { policy: 0, rtPriority: 0 });
    const error = await t.throwsAsync(() => chrtRealtime.set(2 ** 22 + 1, 1));
    t.truthy(error?.message, "a thread that does not exist is an error with chrt's reason");
  } finally {
    child.kill("SIGKILL");
  }
});
