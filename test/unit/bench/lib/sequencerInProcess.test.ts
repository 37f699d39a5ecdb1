/**
 * The in-process sequencer measurement (bench/lib/sequencerInProcess.ts) as receiptLatency
 * runs it: in a child process with the node's V8 flags, heights sealed, finalized from
 * their speculative execution and committed every `perHeight` orders, warm-up not counted.
 */
import test from "ava";
import { sequencerCostInChild } from "../../../../bench/lib/sequencerInProcess.js";

test("the child runs with the node's V8 flags and seals, finalizes and commits a height every perHeight orders", (t) => {
  // 20 warm-up orders, then 60 counted: heights sealed after orders 25, 50, 75 and 80, all four while counting.
  const r = sequencerCostInChild(60, { perHeight: 25, warmup: 20, traders: 5 });
  t.true(r.nodeV8Flags);
  t.is(r.orders, 60);
  t.is(r.warmupOrders, 20);
  t.is(r.receipted, 60);
  t.is(r.heights, 4);
  // Every sealed height was finalized from the sequencer's execution of it, not executed again.
  t.is(r.heightsFinalizedFromSpeculation, 4);
  t.true(r.receiptP50Ms > 0 && r.receiptP50Ms <= r.receiptP99Ms);
  t.true(r.blockMs.p50 > 0 && r.blockMs.p50 <= r.blockMs.max);
});

test("a child that fails is an error naming its exit and its stderr, not a figure", (t) => {
  // No traders: the child cannot sign its first order and exits non-zero.
  const e = t.throws(() => sequencerCostInChild(5, { traders: 0, warmup: 0 }));
  t.regex(e.message, /the in-process sequencer run failed \(exit 1\): /);
  t.regex(e.message, /TypeError/);
});
