import test from "ava";
import { createSequencerPriority, type PriorityControl } from "../../../app/sequencerPriority.js";
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
