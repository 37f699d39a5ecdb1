/**
 * Catching a peer up on the receipts it missed while it was away (service.ts
 * `catchUpReceipts`, receiptStore.ts): a node sends the newest receipts it holds — its own
 * in flight, and those of committed heights whoever signed them — bounded by count and bytes;
 * the peer judges one whose height it committed before its memory begins against the block
 * on its disk.
 */
import test from "ava";
import { createEd25519Signer, ed25519Address } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { SignedReceipt } from "../../../chain/sequencer/receipt.js";
import { createReceiptStore, type CommittedSlots, type StoredReceipt } from "../../../chain/sequencer/receiptStore.js";
import { utf8 } from "../../../chain/types/bytes.js";
import { receiptFor as sequencedReceipt } from "../../helpers/receipts.js";
import { okTxResult as ok } from "../../helpers/txResults.js";
import { openRelayingNode } from "../../helpers/relayingNode.js";

const CHAIN = "strike-test-1";
const self = createEd25519Signer(new Uint8Array(32).fill(3));
const peer = createEd25519Signer(new Uint8Array(32).fill(4));
type Signer = typeof self;

/** `by`'s receipt promising the tx named `tx` at (height, index). */
const receiptFor = (by: Signer, tx: string, height: bigint, index = 0) => sequencedReceipt(utf8(tx), height, index, by);

const tick = () => new Promise((r) => setImmediate(r));

/** `self`'s node, beside the validator `peer`. */
const validatorNode = () =>
  openRelayingNode({ chainId: CHAIN, validators: [self, peer], validatorSeed: new Uint8Array(32).fill(3) });

test("a receipt for a height committed before the node started is judged against the block on disk, and announced once", async (t) => {
  const blocks = new Map<bigint, CommittedSlots>([
    [40n, { txs: [utf8("tx-a")], results: [ok], proposer: ed25519Address(peer.publicKey) }],
    [41n, { txs: [utf8("tx-b")], results: [ok], proposer: ed25519Address(self.publicKey) }],
  ]);
  const loads: bigint[] = [];
  const store = createReceiptStore({
    committedHeight: 50n,
    loadCommitted: async (h) => {
      loads.push(h);
      return blocks.get(h);
    },
  });
  const events: string[] = [];
  store.onChange((r: StoredReceipt) => events.push(`${r.receipt.height}:${r.stage}`));
  const honoured = receiptFor(peer, "tx-a", 40n);
  store.add(honoured.signed, honoured.receipt, 1);
  // Signed by `peer`, but block 41 was proposed by `self`: the promise was not kept by its signer.
  const otherProposer = receiptFor(peer, "tx-b", 41n);
  store.add(otherProposer.signed, otherProposer.receipt, 1);
  const unknown = receiptFor(peer, "tx-c", 42n);
  store.add(unknown.signed, unknown.receipt, 1);
  const waiting = receiptFor(peer, "tx-d", 51n);
  store.add(waiting.signed, waiting.receipt, 1);
  await tick();
  t.is(store.get(sha256(utf8("tx-a")))!.stage, "committed");
  t.is(store.get(sha256(utf8("tx-b")))!.stage, "reverted");
  t.is(store.get(sha256(utf8("tx-c")))!.stage, "reverted", "no block on disk: it cannot be checked");
  t.is(store.get(sha256(utf8("tx-d")))!.stage, "sequenced", "a height above the node's waits for its block");
  t.deepEqual(loads, [40n, 41n, 42n]);
  t.deepEqual(
    events.filter((e) => !e.endsWith(":sequenced")),
    ["40:committed", "41:reverted", "42:reverted"],
  );
  store.blockCommitted(51n, [utf8("tx-d")], [ok], 2, ed25519Address(peer.publicKey));
  t.is(store.get(sha256(utf8("tx-d")))!.stage, "committed");
});

test("a block that cannot be read leaves the receipt reverted, not sequenced forever", async (t) => {
  const store = createReceiptStore({
    committedHeight: 10n,
    loadCommitted: () => Promise.reject(new Error("disk gone")),
  });
  const r = receiptFor(peer, "tx-e", 9n);
  store.add(r.signed, r.receipt, 1);
  await tick();
  t.is(store.get(sha256(utf8("tx-e")))!.stage, "reverted");
});

test("a peer that connects is sent the receipts of committed heights, whoever signed them, and this node's own in flight, oldest first", async (t) => {
  const s = await validatorNode();
  const add = (by: Signer, tx: string, height: bigint, index: number) => {
    const r = receiptFor(by, tx, height, index);
    s.receipts.add(r.signed, r.receipt, 0);
    return SignedReceipt.encode(r.signed).finish();
  };
  // Heights 5 and 6 committed: one receipt honoured, one reverted (block 6 lacks its tx).
  const committed = add(peer, "tx-5", 5n, 0);
  const reverted = add(peer, "tx-6", 6n, 0);
  s.receipts.blockCommitted(5n, [utf8("tx-5")], [ok], 1, ed25519Address(peer.publicKey));
  s.receipts.blockCommitted(6n, [], [], 1, ed25519Address(peer.publicKey));
  // Height 7 in flight: this node's own receipt goes, another sequencer's is that one's to send.
  const own = add(self, "tx-7a", 7n, 0);
  add(peer, "tx-7b", 7n, 1);
  t.is(s.receipts.get(sha256(utf8("tx-5")))!.stage, "committed");
  t.is(s.receipts.get(sha256(utf8("tx-6")))!.stage, "reverted");
  const sent = s.catchUpReceipts({ maxCount: 100, maxBytes: 1 << 20 });
  t.deepEqual(sent, [committed, reverted, own]);
  // What the peer gets verifies there like any relayed receipt.
  const other = await validatorNode();
  for (const bytes of sent) t.deepEqual(other.relayed(bytes), { verdict: "new" });
  t.is(other.receipts.get(sha256(utf8("tx-7a")))?.stage, "sequenced");
  t.is(other.receipts.get(sha256(utf8("tx-7b"))), undefined);
});

test("what a connecting peer is sent is the newest receipts within the count and the bytes given", async (t) => {
  const s = await validatorNode();
  const all: Uint8Array[] = [];
  for (let i = 0; i < 10; i++) {
    const r = receiptFor(peer, `tx-${i}`, 3n, i);
    s.receipts.add(r.signed, r.receipt, 0);
    all.push(SignedReceipt.encode(r.signed).finish());
  }
  s.receipts.blockCommitted(
    3n,
    Array.from({ length: 10 }, (_, i) => utf8(`tx-${i}`)),
    Array.from({ length: 10 }, () => ok),
    1,
    ed25519Address(peer.publicKey),
  );
  t.deepEqual(s.catchUpReceipts({ maxCount: 4, maxBytes: 1 << 20 }), all.slice(6));
  // Index 0 is not written out: the others are all one size.
  const size = all[9]!.length;
  t.deepEqual(s.catchUpReceipts({ maxCount: 100, maxBytes: 3 * size + 1 }), all.slice(7));
  t.deepEqual(s.catchUpReceipts({ maxCount: 100, maxBytes: size - 1 }), []);
  t.deepEqual(s.catchUpReceipts({ maxCount: 0, maxBytes: 1 << 20 }), []);
});

test("a receipt the node already holds is kept again at once; the same receipt with another signature is still refused", async (t) => {
  const s = await validatorNode();
  const r = receiptFor(peer, "tx-held", 8n);
  const bytes = SignedReceipt.encode(r.signed).finish();
  t.deepEqual(s.relayed(bytes), { verdict: "new" });
  t.deepEqual(s.relayed(bytes), { verdict: "kept" });
  const forged = SignedReceipt.encode({ ...r.signed, signature: new Uint8Array(64).fill(9) }).finish();
  t.is(s.relayed(forged).verdict, "invalid");
});

test("a peer that missed a tx's newer receipt sends the older one it holds: the newer stays the one served", async (t) => {
  const s = await validatorNode();
  const older = receiptFor(peer, "tx-again", 10n);
  const newer = receiptFor(self, "tx-again", 12n);
  t.deepEqual(s.relayed(SignedReceipt.encode(newer.signed).finish()), { verdict: "new" });
  t.deepEqual(s.relayed(SignedReceipt.encode(older.signed).finish()), { verdict: "kept" });
  t.is(s.receipts.get(sha256(utf8("tx-again")))!.receipt.height, 12n);
});
