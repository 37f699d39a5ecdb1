import test from "ava";
import { EventEmitter } from "node:events";
import { listenForStop } from "../../../cli/stopSignals.js";

function harness() {
  const source = new EventEmitter();
  const notes: string[] = [];
  const exits: number[] = [];
  const signals = listenForStop({
    note: (m) => void notes.push(m),
    exit: (c) => void exits.push(c),
    source: source as unknown as Pick<NodeJS.Process, "on" | "off">,
  });
  return { source, notes, exits, signals };
}

test("the first signal is kept and resolves `first`; nothing exits", async (t) => {
  const h = harness();
  t.is(h.signals.received, undefined);
  h.source.emit("SIGTERM");
  t.is(h.signals.received, "SIGTERM");
  t.is(await h.signals.first, "SIGTERM");
  t.deepEqual(h.notes, ["SIGTERM received, stopping…"]);
  t.deepEqual(h.exits, []);
});

test("a second signal exits at once with code 1", (t) => {
  const h = harness();
  h.source.emit("SIGINT");
  h.source.emit("SIGINT");
  t.deepEqual(h.exits, [1]);
  t.is(h.notes[1], "SIGINT again: exiting without a clean stop");
});

test("dispose stops listening", (t) => {
  const h = harness();
  h.signals.dispose();
  t.is(h.source.listenerCount("SIGINT") + h.source.listenerCount("SIGTERM"), 0);
  h.source.emit("SIGINT");
  t.is(h.signals.received, undefined);
});
