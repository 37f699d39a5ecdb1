import test from "ava";
import { ed25519Address } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { createFinalityLadder } from "../../../chain/sequencer/ladder.js";
import { l1FinalityJson, txStatusJson, txStatusLine } from "../../../chain/sequencer/ladderJson.js";
import { createReceiptStore } from "../../../chain/sequencer/receiptStore.js";
import { utf8 } from "../../../chain/types/bytes.js";
import { other, receiptFor, seq } from "../../helpers/receipts.js";
import { okTxResult as ok } from "../../helpers/txResults.js";

function wired() {
  const receipts = createReceiptStore();
  const ladder = createFinalityLadder({ capacity: 100 });
  receipts.onChange((r) => ladder.receipt(r));
  return { receipts, ladder };
}

test("a tx climbs received → sequenced → committed, with times since it was received; L1 rungs are not available", (t) => {
  const { receipts, ladder } = wired();
  const tx = utf8("tx-1");
  ladder.received(sha256(tx), 1000);
  ladder.accounts(sha256(tx), ["strike1alice"]);
  const { signed, receipt } = receiptFor(tx, 5n, 0);
  receipts.add(signed, receipt, 1000.9);
  receipts.blockCommitted(5n, [tx], [ok], 1230, ed25519Address(seq.publicKey));
  ladder.committed(5n, [sha256(tx)], [ok], 1230);
  const s = txStatusJson(ladder.get(sha256(tx))!, ladder.settlement);
  t.deepEqual(
    s.steps.map((x) => x.stage),
    ["received", "sequenced", "committed"],
  );
  t.is(s.stage, "committed");
  t.deepEqual(s.accounts, ["strike1alice"]);
  t.like(s.rungs.sequenced, { state: "reached", elapsed_ms: 0.9 });
  t.like(s.rungs.committed, { state: "reached", elapsed_ms: 230, height: "5" });
  t.deepEqual(s.rungs.checkpointed, { state: "not_available" });
  t.deepEqual(s.rungs.settled, { state: "not_available" });
  t.is(txStatusLine(s), "received 0.0 ms · sequenced 0.9 ms · committed 230 ms · checkpointed n/a · settled n/a");
});

test("a receipt whose height another validator proposed is reverted, even when that block holds the tx at its index; the tx then commits", (t) => {
  const { receipts, ladder } = wired();
  const tx = utf8("tx-2");
  ladder.received(sha256(tx), 0);
  const { signed, receipt } = receiptFor(tx, 7n, 0);
  receipts.add(signed, receipt, 1);
  // Round 1 of height 7 was proposed by `other`, whose block happens to hold the same tx first.
  receipts.blockCommitted(7n, [tx], [ok], 500, ed25519Address(other.publicKey));
  ladder.committed(7n, [sha256(tx)], [ok], 500);
  t.is(receipts.get(sha256(tx))!.stage, "reverted");
  const s = txStatusJson(ladder.get(sha256(tx))!, ladder.settlement);
  t.deepEqual(
    s.steps.map((x) => x.stage),
    ["received", "sequenced", "reverted", "committed"],
  );
  t.is(s.reverted, 1);
  t.regex(txStatusLine(s), /reverted 500 ms \(height 7\)/);
});

test("a reverted receipt followed by a new receipt at a later height: the ladder keeps both, the latest sequenced counts", (t) => {
  const { receipts, ladder } = wired();
  const tx = utf8("tx-3");
  ladder.received(sha256(tx), 0);
  const first = receiptFor(tx, 7n, 2);
  receipts.add(first.signed, first.receipt, 1);
  receipts.blockCommitted(7n, [], [], 400, ed25519Address(other.publicKey));
  const again = receiptFor(tx, 8n, 0, other);
  receipts.add(again.signed, again.receipt, 450);
  receipts.blockCommitted(8n, [tx], [ok], 700, ed25519Address(other.publicKey));
  ladder.committed(8n, [sha256(tx)], [ok], 700);
  const s = txStatusJson(ladder.get(sha256(tx))!, ladder.settlement);
  t.deepEqual(
    s.steps.map((x) => `${x.stage}@${x.height ?? "-"}`),
    ["received@-", "sequenced@7", "reverted@7", "sequenced@8", "committed@8"],
  );
  t.like(s.rungs.sequenced, { elapsed_ms: 450, height: "8" });
  t.is(receipts.get(sha256(tx))!.stage, "committed");
});

test("a CheckTx refusal is rejected, and is final", (t) => {
  const { ladder } = wired();
  const h = sha256(utf8("bad"));
  ladder.received(h, 0);
  ladder.refused(h, { ...ok, code: 32, codespace: "sdk", log: "account sequence mismatch" }, 0.3);
  const s = txStatusJson(ladder.get(h)!, ladder.settlement);
  t.true(s.rejected);
  t.is(s.stage, "rejected");
  t.deepEqual(s.rungs.sequenced, { state: "pending" });
});

test("the tracker holds at most its capacity: the oldest seen is evicted first", (t) => {
  const ladder = createFinalityLadder({ capacity: 3 });
  const hashes = [1, 2, 3, 4].map((i) => sha256(utf8(`tx-${i}`)));
  for (const h of hashes) ladder.received(h, 0);
  t.is(ladder.size, 3);
  t.is(ladder.get(hashes[0]!), undefined);
  t.truthy(ladder.get(hashes[3]!));
});

test("a flood of refused txs cannot push out the ladders of admitted txs; a refused tx admitted later rejoins them", (t) => {
  // A refusal costs its sender nothing: 120,000 junk txs once evicted an honest committed tx's ladder.
  const ladder = createFinalityLadder({ capacity: 128 });
  const honest = Array.from({ length: 128 }, (_, i) => sha256(utf8(`ok-${i}`)));
  honest.forEach((h, i) => ladder.received(h, i));
  ladder.committed(
    5n,
    honest,
    honest.map(() => ok),
    200,
  );
  const junk = (i: number) => sha256(utf8(`junk-${i}`));
  for (let i = 0; i < 5_000; i++) {
    ladder.received(junk(i), 300 + i);
    ladder.refused(junk(i), { ...ok, code: 2, codespace: "sdk", log: "tx parse error" }, 300 + i);
  }
  // The map was full: the first junk tx cut it back once to capacity - capacity/64 (the oldest
  // three went), and none after: each refused tx leaves it at once.
  const kept = honest.filter((h) => ladder.get(h) !== undefined);
  t.is(kept.length, 128 - 3, `${kept.length} of 128 honest ladders kept`);
  t.true(honest.slice(3).every((h) => txStatusJson(ladder.get(h)!, ladder.settlement).stage === "committed"));
  t.truthy(ladder.get(junk(4_999)), "the newest refusals are kept");
  t.is(ladder.get(junk(0)), undefined, "the oldest refusals went");
  t.true(ladder.size <= 128 + 16, `size ${ladder.size}`);
  // Refused for an early sequence, admitted and committed later: back with the admitted txs.
  const late = junk(4_999);
  ladder.committed(6n, [late], [ok], 9_000);
  for (let i = 5_000; i < 5_100; i++) {
    ladder.received(junk(i), 9_100 + i);
    ladder.refused(junk(i), { ...ok, code: 2, codespace: "sdk" }, 9_100 + i);
  }
  t.is(txStatusJson(ladder.get(late)!, ladder.settlement).stage, "committed");
});

test("with settlement wired, checkpointed and settled are pending until reported, then reached for every height up to the one reported", (t) => {
  const ladder = createFinalityLadder({ settlement: { available: () => true } });
  const a = sha256(utf8("a"));
  const b = sha256(utf8("b"));
  ladder.committed(3n, [a], [ok], 10);
  ladder.committed(4n, [b], [ok], 20);
  t.deepEqual(txStatusJson(ladder.get(a)!, ladder.settlement).rungs.checkpointed, { state: "pending" });
  ladder.checkpointed(3n, 100);
  t.like(txStatusJson(ladder.get(a)!, ladder.settlement).rungs.checkpointed, { state: "reached", height: "3" });
  t.deepEqual(txStatusJson(ladder.get(b)!, ladder.settlement).rungs.checkpointed, { state: "pending" });
  ladder.settled(4n, 200);
  t.like(txStatusJson(ladder.get(b)!, ladder.settlement).rungs.settled, { state: "reached" });
});

test("an L1 landing names its checkpoint and L1 tx on the rung, and a settlement seen first also marks the tx checkpointed", (t) => {
  const ladder = createFinalityLadder({ settlement: { available: () => true } });
  const a = sha256(utf8("a"));
  ladder.received(a, 1);
  ladder.committed(7n, [a], [ok], 10);
  const l1 = { checkpointHeight: 10n, tx: "0x" + "ab".repeat(32), block: 42 };
  ladder.settled(10n, 500, l1);
  const s = txStatusJson(ladder.get(a)!, ladder.settlement);
  t.deepEqual(
    s.steps.map((x) => x.stage),
    ["received", "committed", "checkpointed", "settled"],
  );
  t.like(s.rungs.checkpointed, {
    state: "reached",
    height: "7",
    l1: { checkpoint_height: "10", tx: l1.tx, block: 42 },
  });
  t.like(s.rungs.settled, { state: "reached", l1: { checkpoint_height: "10" } });
  t.regex(txStatusLine(s), /checkpointed [\d.]+ ms · settled [\d.]+ ms/);
  // A later landing changes nothing: each rung is reached once.
  ladder.checkpointed(20n, 900, { ...l1, checkpointHeight: 20n });
  t.is(ladder.get(a)!.steps.length, 4);
});

test("the newest heights on L1 (strike_l1_finality): the highest reported, a settlement implying its checkpoint, never going back", (t) => {
  const ladder = createFinalityLadder({ settlement: { available: () => true } });
  t.deepEqual(l1FinalityJson(ladder.newestL1(), ladder.settlement), {
    available: true,
    checkpointed: null,
    settled: null,
  });
  const l1 = { checkpointHeight: 20n, tx: "0x" + "cd".repeat(32), block: 7 };
  ladder.checkpointed(20n, Date.UTC(2026, 11, 4), l1);
  ladder.checkpointed(10n, Date.UTC(2026, 11, 4, 1)); // an older landing read late
  ladder.settled(30n, Date.UTC(2026, 11, 4, 2));
  const j = l1FinalityJson(ladder.newestL1(), ladder.settlement);
  t.is(j.checkpointed?.height, "30", "settled at 30 means checkpointed at 30");
  t.is(j.settled?.height, "30");
  ladder.checkpointed(40n, Date.UTC(2026, 11, 4, 3), { ...l1, checkpointHeight: 40n });
  const k = l1FinalityJson(ladder.newestL1(), ladder.settlement);
  t.deepEqual(k.checkpointed, {
    height: "40",
    at: "2026-12-04T03:00:00.000Z",
    l1: { checkpoint_height: "40", tx: l1.tx, block: 7 },
  });
  t.is(k.settled?.height, "30");
  // Without settlement the rungs are not available, not missing.
  t.false(l1FinalityJson(createFinalityLadder().newestL1(), createFinalityLadder().settlement).available);
});

test("a checkpoint below a tx's height does not reach it", (t) => {
  const ladder = createFinalityLadder({ settlement: { available: () => true } });
  const a = sha256(utf8("late"));
  ladder.committed(11n, [a], [ok], 10);
  ladder.checkpointed(10n, 100);
  ladder.settled(10n, 200);
  const s = txStatusJson(ladder.get(a)!, ladder.settlement);
  t.deepEqual(s.rungs.checkpointed, { state: "pending" });
  t.deepEqual(s.rungs.settled, { state: "pending" });
});

test("a peer echoing a committed tx (refused on its used sequence) does not turn it rejected", (t) => {
  const { ladder } = wired();
  const h = sha256(utf8("echoed"));
  ladder.received(h, 0);
  ladder.committed(3n, [h], [ok], 10);
  ladder.refused(h, { ...ok, code: 32, codespace: "sdk", log: "account sequence mismatch" }, 20);
  t.is(txStatusJson(ladder.get(h)!, ladder.settlement).stage, "committed");
});

test("the accounts given with `received` are on that first step's update (an account's subscribers see it)", (t) => {
  const ladder = createFinalityLadder();
  const seen: string[][] = [];
  ladder.onUpdate((l) => seen.push([...l.accounts]));
  ladder.received(sha256(utf8("x")), 0, ["strike1bob"]);
  t.deepEqual(seen, [["strike1bob"]]);
});

test("a receipt relayed after the tx committed elsewhere (its sequencer failed) is judged reverted and shown before the commit, which stays the tx's stage", (t) => {
  const { receipts, ladder } = wired();
  const tx = utf8("tx-late-revert");
  ladder.received(sha256(tx), 1000);
  // Height 8 is proposed by another validator and holds the tx; this node has no receipt yet.
  receipts.blockCommitted(8n, [tx], [ok], 1200, ed25519Address(other.publicKey));
  ladder.committed(8n, [sha256(tx)], [ok], 1200);
  // The failed sequencer's receipt for height 8 arrives late and is judged at once: reverted.
  const late = receiptFor(tx, 8n, 0);
  t.is(receipts.add(late.signed, late.receipt, 1300).stage, "reverted");
  const s = txStatusJson(ladder.get(sha256(tx))!, ladder.settlement);
  t.deepEqual(
    s.steps.map((x) => x.stage),
    ["received", "reverted", "committed"],
  );
  t.is(s.stage, "committed");
  // The same late news again is one step.
  receipts.add(late.signed, late.receipt, 1400);
  t.is(ladder.get(sha256(tx))!.steps.length, 3);
});
