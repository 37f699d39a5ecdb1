/**
 * `sequencer.priority_boost` on a 4-validator localnet made by `strike testnet` (which sets
 * it to 10): the event-loop thread of whichever validator is the sequencer runs at nice -10
 * and the others at 0, and the boost follows the epochs from one validator to the next.
 * Without the privilege to raise a priority (not root, no CAP_SYS_NICE), each node says so
 * in its log and nothing changes.
 */
import test from "ava";
import { getPriority } from "node:os";
import { sequencerIndex, startSequencerLocalnet } from "../helpers/sequencerLocalnet.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("the sequencer's event loop runs at raised priority, and the boost moves with the epochs", async (t) => {
  t.timeout(180_000);
  const net = await startSequencerLocalnet({ senders: 1, timeoutCommit: "200ms", epochLength: 4 });
  try {
    const { nodes } = net;
    // On Linux a pid names the process's main thread too: its nice value is the event loop's.
    const nice = () => nodes.map((n) => getPriority(n.child.pid!));
    if (process.getuid?.() !== 0) {
      await sleep(3_000);
      t.deepEqual(nice(), [0, 0, 0, 0]);
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
      const again = await sequencerIndex(nodes);
      // Read between two answers that agree, so the epoch did not move under the reading.
      if (s >= 0 && s === again && before.every((p, i) => p === (i === s ? -10 : 0))) seen.add(s);
      await sleep(100);
    }
    t.is(seen.size, 2, `sequencers seen boosted alone: ${[...seen].join(", ")}; nice now ${nice().join(", ")}`);
  } finally {
    await net.stop();
  }
});
