/**
 * `sequencer.priority_boost` and `sequencer.realtime_priority` on a 4-validator localnet made
 * by `strike testnet` (which sets them to 10 and 1): the event-loop thread of whichever
 * validator is the sequencer runs at nice -10 under SCHED_RR, the others' at nice 0 under the
 * normal policy, and both follow the epochs from one validator to the next. Without the
 * privilege to raise a priority (not root, no CAP_SYS_NICE), each node says so in its log and
 * nothing changes.
 */
import test from "ava";
import { readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { sequencerIndex, startSequencerLocalnet } from "../helpers/sequencerLocalnet.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SCHED_RR = 2;

/** A thread's scheduling policy: field 41 of /proc/<pid>/stat, counted after the command's parenthesis. */
function policyOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[41 - 3]);
}

test("the sequencer's event loop runs at raised priority under SCHED_RR, and both move with the epochs", async (t) => {
  t.timeout(180_000);
  const net = await startSequencerLocalnet({ senders: 1, timeoutCommit: "200ms", epochLength: 4 });
  try {
    const { nodes } = net;
    // On Linux a pid names the process's main thread too: its nice value is the event loop's.
    const nice = () => nodes.map((n) => getPriority(n.child.pid!));
    if (process.getuid?.() !== 0) {
      await sleep(3_000);
      t.deepEqual(nice(), [0, 0, 0, 0]);
      t.false(
        nodes.some((n) => policyOf(n.child.pid!) === SCHED_RR),
        "no event loop under real-time scheduling",
      );
      t.true(
        nodes.some((n) => n.log.includes("cannot raise the sequencer's CPU priority")),
        "a node that could not raise its priority says so",
      );
      return;
    }
    const seen = new Set<number>();
    const deadline = Date.now() + 60_000;
    while (seen.size < 2 && Date.now() < deadline) {
      const s = await sequencerIndex(nodes);
      const before = nice();
      const realtime = nodes.map((n) => policyOf(n.child.pid!) === SCHED_RR);
      const again = await sequencerIndex(nodes);
      // Read between two answers that agree, so the epoch did not move under the reading.
      if (
        s >= 0 &&
        s === again &&
        before.every((p, i) => p === (i === s ? -10 : 0)) &&
        realtime.every((rt, i) => rt === (i === s))
      )
        seen.add(s);
      await sleep(100);
    }
    t.is(
      seen.size,
      2,
      `sequencers seen boosted alone: ${[...seen].join(", ")}; nice now ${nice().join(", ")}; SCHED_RR now ${nodes.map((n) => policyOf(n.child.pid!) === SCHED_RR).join(", ")}`,
    );
  } finally {
    await net.stop();
  }
});
