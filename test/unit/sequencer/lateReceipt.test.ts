/**
 * A receipt relayed to a node after its height committed there (under load the receipts
 * channel can trail the block) is judged at once against that block: it must not stay
 * "sequenced" forever, and a reverted one must be announced like any other.
 */
import test from "ava";
import { SignedReceipt } from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { ed25519Address } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { createReceiptStore, type StoredReceipt } from "../../../chain/sequencer/receiptStore.js";
import { utf8 } from "../../../chain/types/bytes.js";
import { other, receiptFor, seq } from "../../helpers/receipts.js";
import { okTxResult as ok } from "../../helpers/txResults.js";

function storeWithEvents() {
  const store = createReceiptStore();
  const events: string[] = [];
  store.onChange((r: StoredReceipt) => events.push(`${r.receipt.height}:${r.stage}`));
  return { store, events };
}

test("a receipt arriving after its block, which another validator proposed, is reverted at once and announced once", (t) => {
  const { store, events } = storeWithEvents();
  const tx = utf8("tx-late-1");
  store.blockCommitted(5n, [tx], [ok], 1, ed25519Address(other.publicKey));
  const { signed, receipt } = receiptFor(tx, 5n);
  const entry = store.add(signed, receipt, 2);
  t.is(entry.stage, "reverted");
  t.deepEqual(events, ["5:reverted"]);
});

test("a receipt arriving after its own sequencer's block that holds the tx as promised is committed", (t) => {
  const { store } = storeWithEvents();
  const tx = utf8("tx-late-2");
  store.blockCommitted(6n, [tx], [ok], 1, ed25519Address(seq.publicKey));
  const { signed, receipt } = receiptFor(tx, 6n);
  t.is(store.add(signed, receipt, 2).stage, "committed");
});

test("a receipt for a height older than the blocks kept is reverted; one for a height not yet committed waits", (t) => {
  const { store } = storeWithEvents();
  for (let h = 1n; h <= 100n; h++) store.blockCommitted(h, [], [], 1, ed25519Address(other.publicKey));
  const old = receiptFor(utf8("tx-ancient"), 3n);
  t.is(store.add(old.signed, old.receipt, 2).stage, "reverted");
  const next = receiptFor(utf8("tx-next"), 101n);
  t.is(store.add(next.signed, next.receipt, 2).stage, "sequenced");
  store.blockCommitted(101n, [utf8("tx-next")], [ok], 3, ed25519Address(seq.publicKey));
  t.is(store.get(sha256(utf8("tx-next")))!.stage, "committed");
});

test("a receipt superseded by the next sequencer's receipt for the same tx is still judged at its own height, and reported reverted", (t) => {
  const { store, events } = storeWithEvents();
  const tx = utf8("tx-resequenced");
  const first = receiptFor(tx, 10n);
  store.add(first.signed, first.receipt, 1);
  // The sequencer is lost; the next one sequences the tx again at a later height.
  const second = receiptFor(tx, 12n);
  store.add(second.signed, second.receipt, 2);
  t.is(store.get(sha256(tx))!.receipt.height, 12n, "the newest receipt is the one served");
  // Height 10 commits without the tx, proposed by another validator: the first receipt is broken.
  store.blockCommitted(10n, [], [], 3, ed25519Address(other.publicKey));
  t.true(events.includes("10:reverted"), `events: ${events.join(" ")}`);
});

test("a judged receipt keeps only its bytes: it reads back exactly as signed, decoded afresh on each read", (t) => {
  const { store } = storeWithEvents();
  const tx = utf8("tx-compact-1");
  const { signed, receipt } = receiptFor(tx, 7n);
  const entry = store.add(signed, receipt, 1);
  t.is(entry.stage, "sequenced");
  t.is(entry.receipt, entry.receipt, "a pending receipt keeps its decoded form for judging");
  t.deepEqual(entry.bytes, SignedReceipt.encode(signed).finish());
  store.blockCommitted(7n, [tx], [ok], 2);
  const judged = store.get(sha256(tx))!;
  t.is(judged.stage, "committed");
  t.not(judged.receipt, judged.receipt, "nothing decoded is held once judged");
  t.deepEqual(judged.receipt, receipt);
  t.deepEqual(judged.signed, signed);
  t.is(judged.height, 7n);
});

test("the listeners told of a judged receipt read its decoded form; once they have, only the bytes are held", (t) => {
  const store = createReceiptStore();
  const told: { stage: string; held: boolean; height: bigint }[] = [];
  store.onChange((r: StoredReceipt) => told.push({ stage: r.stage, held: r.receipt === r.receipt, height: r.height }));
  const tx = utf8("tx-told-1");
  const late = utf8("tx-told-late");
  const { signed, receipt } = receiptFor(tx, 7n);
  store.add(signed, receipt, 1);
  store.blockCommitted(7n, [tx, late], [ok, ok], 2);
  // Arriving after its block: judged at once, and its listeners told.
  const after = receiptFor(late, 7n, 1);
  store.add(after.signed, after.receipt, 3);
  t.deepEqual(told, [
    { stage: "sequenced", held: true, height: 7n },
    { stage: "committed", held: true, height: 7n },
    { stage: "committed", held: true, height: 7n },
  ]);
  for (const hash of [sha256(tx), sha256(late)]) {
    const judged = store.get(hash)!;
    t.not(judged.receipt, judged.receipt, "nothing decoded is held once judged");
  }
  t.deepEqual(store.get(sha256(late))!.receipt, after.receipt);
});
