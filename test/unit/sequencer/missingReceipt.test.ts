/**
 * An answer without a receipt says why (missingReceipt.ts): refused here, no sequencer yet,
 * this node sequences but has no height open, no peer to forward through, or forwarded and
 * not relayed back in time; each but a refusal says how to get the receipt later.
 */
import test from "ava";
import { missingReceipt } from "../../../chain/sequencer/missingReceipt.js";

const seq = { address: "AB12", isSelf: false };
const base = { admitted: true, waitedMs: 1500.4, sequencer: seq, openHeight: undefined, peers: 3 };

test("a tx forwarded to another node's sequencer whose receipt has not come back names the sequencer and where to look later", (t) => {
  const m = missingReceipt(base);
  t.is(m.reason, "forwarded");
  t.is(m.sequencer, "AB12");
  t.is(m.waited_ms, 1500);
  t.regex(m.message, /forwarded to the sequencer AB12.*1500 ms.*strike_receipt/);
});

test("a tx CheckTx refused here was never forwarded, whoever the sequencer is", (t) => {
  t.is(missingReceipt({ ...base, admitted: false }).reason, "not_admitted");
  t.is(missingReceipt({ ...base, admitted: false, sequencer: undefined }).reason, "not_admitted");
});

test("before the schedule starts there is no sequencer to ask", (t) => {
  const m = missingReceipt({ ...base, sequencer: undefined });
  t.is(m.reason, "no_sequencer");
  t.false("sequencer" in m);
});

test("on the sequencer's own node the tx waits for the next height, open or not", (t) => {
  const self = { ...base, sequencer: { address: "AB12", isSelf: true } };
  t.is(missingReceipt(self).reason, "awaiting_height");
  t.regex(missingReceipt(self).message, /no height open/);
  t.regex(missingReceipt({ ...self, openHeight: 12n }).message, /height 12/);
});

test("a node that is not the sequencer and has no peers says the tx cannot reach it", (t) => {
  t.is(missingReceipt({ ...base, peers: 0 }).reason, "no_peers");
  // Unknown peer count: assume it was forwarded.
  t.is(missingReceipt({ ...base, peers: undefined }).reason, "forwarded");
});
