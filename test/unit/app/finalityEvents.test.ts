/**
 * News of a commit on the websocket (a receipt committed or reverted, a ladder's committed
 * step) goes out only once the node has saved the block: a client told "committed" that asks
 * the same node for the tx must find it. Events of one topic keep their order.
 */
import test from "ava";
import { publishFinalityEvents } from "../../../app/finalityEvents.js";
import { ed25519Address } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { createEventBus } from "../../../chain/indexer/eventBus.js";
import { createFinalityLadder } from "../../../chain/sequencer/ladder.js";
import { createReceiptStore } from "../../../chain/sequencer/receiptStore.js";
import { utf8 } from "../../../chain/types/bytes.js";
import { other, RECEIPT_CHAIN, receiptFor, seq } from "../../helpers/receipts.js";
import { verifyReceipt } from "../../../chain/sequencer/receipt.js";
import { okTxResult as ok } from "../../helpers/txResults.js";

function wired() {
  // Signatures checked late (receiptChain.ts) fail here when they are the swapped copy.
  const receipts = createReceiptStore({
    checkSignature: (signed) => {
      try {
        verifyReceipt(signed, { chainId: RECEIPT_CHAIN });
        return true;
      } catch {
        return false;
      }
    },
  });
  const ladder = createFinalityLadder({ capacity: 100 });
  receipts.onChange((r) => ladder.receipt(r));
  const bus = createEventBus();
  // Heights saved so far, and the waiters on the others (what BlockStore.saved does).
  let savedHeight = 0n;
  const waiting: { height: bigint; resolve: () => void }[] = [];
  const saved = (h: bigint) =>
    h <= savedHeight ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ height: h, resolve }));
  const save = (h: bigint) => {
    savedHeight = h;
    for (const w of waiting.filter((x) => x.height <= h)) w.resolve();
  };
  publishFinalityEvents({ receipts, ladder }, bus, undefined, saved);
  const seen: string[] = [];
  bus.subscribe("client", "tm.event='Receipt'", (m) => {
    const v = m.data.type === "Receipt" ? (m.data.value as { stage: string; receipt: { height: string } }) : undefined;
    seen.push(`receipt ${v?.receipt.height}:${v?.stage}`);
  });
  bus.subscribe("client", "tm.event='TxStatus'", (m) => {
    const stage = m.events.get("tx_status.stage")?.[0];
    seen.push(`status ${stage}`);
  });
  return { receipts, ladder, save, seen };
}

const settle = () => new Promise((r) => setImmediate(r));

test("a committed receipt and a committed ladder step go out only once the block is saved, and after what came before them", async (t) => {
  const { receipts, ladder, save, seen } = wired();
  const tx = utf8("tx-1");
  ladder.received(sha256(tx), 0);
  const first = receiptFor(tx, 5n);
  receipts.add(first.signed, first.receipt, 1);
  await settle();
  t.deepEqual(seen, ["status received", "receipt 5:sequenced", "status sequenced"]);

  // Height 5 is decided and executed; its batch is being written.
  receipts.blockCommitted(5n, [tx], [ok], 2, ed25519Address(seq.publicKey));
  ladder.committed(5n, [sha256(tx)], [ok], 2);
  // A tx sequenced for height 6 meanwhile.
  const next = utf8("tx-2");
  const second = receiptFor(next, 6n);
  receipts.add(second.signed, second.receipt, 3);
  await settle();
  t.deepEqual(seen, ["status received", "receipt 5:sequenced", "status sequenced"], "nothing of height 5's commit yet");

  save(5n);
  await settle();
  // In order within each topic.
  const after = seen.slice(3);
  t.deepEqual(
    after.filter((s) => s.startsWith("receipt")),
    ["receipt 5:committed", "receipt 6:sequenced"],
  );
  t.deepEqual(
    after.filter((s) => s.startsWith("status")),
    ["status committed", "status sequenced"],
  );
});

test("a reverted receipt also waits for its block to be saved", async (t) => {
  const { receipts, save, seen } = wired();
  const tx = utf8("tx-3");
  const r = receiptFor(tx, 8n);
  receipts.add(r.signed, r.receipt, 1);
  // Height 8 proposed by another validator, without the tx.
  receipts.blockCommitted(8n, [], [], 2, ed25519Address(other.publicKey));
  await settle();
  t.false(
    seen.some((s) => s.includes("reverted")),
    seen.join(", "),
  );
  save(8n);
  await settle();
  t.true(seen.includes("receipt 8:reverted"), seen.join(", "));
});

test("a relayed receipt kept on the hash chain's word goes out on the topic only with its own signature checked: a swapped one never does", async (t) => {
  const { receipts, save, seen } = wired();
  const good = receiptFor(utf8("tx-good"), 5n, 0);
  receipts.add(good.signed, good.receipt, 1, undefined, false);
  const swapped = receiptFor(utf8("tx-swapped"), 5n, 1);
  const signature = swapped.signed.signature.slice();
  signature[3]! ^= 1;
  receipts.add({ ...swapped.signed, signature }, swapped.receipt, 1, undefined, false);
  await settle();
  t.deepEqual(
    seen.filter((s) => s.startsWith("receipt")),
    ["receipt 5:sequenced"],
  );
  t.true(receipts.get(good.receipt.txHash)!.signatureChecked);
  t.false(receipts.get(swapped.receipt.txHash)!.signatureChecked);
  // Judged at its height: still not published (the ladder, which needs no signature, moves on).
  receipts.blockCommitted(5n, [utf8("tx-good"), utf8("tx-swapped")], [ok, ok], 2, ed25519Address(seq.publicKey));
  save(5n);
  await settle();
  t.deepEqual(
    seen.filter((s) => s.startsWith("receipt")),
    ["receipt 5:sequenced", "receipt 5:committed"],
  );
  t.is(receipts.get(swapped.receipt.txHash)!.stage, "committed");
});
