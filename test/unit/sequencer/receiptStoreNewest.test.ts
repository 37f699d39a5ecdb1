/**
 * What a newly connected peer is re-sent: the newest receipts the store holds that a filter
 * selects (service.ts: this node's own), newest first and no more than asked.
 */
import test from "ava";
import { createEd25519Signer, ed25519Address } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { ReceiptStatus, signReceipt, type Receipt } from "../../../chain/sequencer/receipt.js";
import { createReceiptStore } from "../../../chain/sequencer/receiptStore.js";
import { equalBytes, utf8 } from "../../../chain/types/bytes.js";

const mine = createEd25519Signer(new Uint8Array(32).fill(5));
const theirs = createEd25519Signer(new Uint8Array(32).fill(6));

function receipt(by: typeof mine, i: number): Receipt {
  return {
    chainId: "strike-test-1",
    height: 3n,
    index: i,
    txHash: sha256(utf8(`tx ${i}`)),
    code: 0,
    codespace: "",
    resultHash: sha256(utf8("r")),
    fills: [],
    sequencerAddress: ed25519Address(by.publicKey),
    epoch: 0n,
    previousReceiptHash: new Uint8Array(0),
    status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
    log: "",
    data: new Uint8Array(0),
    gasWanted: 0n,
    gasUsed: 0n,
  };
}

test("newest gives the latest receipts a filter keeps, newest first, at most the limit", (t) => {
  const store = createReceiptStore();
  for (let i = 0; i < 10; i++) {
    const by = i % 2 === 0 ? mine : theirs;
    const r = receipt(by, i);
    store.add(signReceipt(r, by), r, i);
  }
  const self = ed25519Address(mine.publicKey);
  const own = (limit: number) =>
    store.newest(limit, (r) => equalBytes(r.receipt.sequencerAddress, self)).map((r) => r.receipt.index);
  t.deepEqual(own(3), [8, 6, 4]);
  t.deepEqual(own(100), [8, 6, 4, 2, 0]);
  t.deepEqual(own(0), []);
});

test("wait gives up no sooner than its timeout, and a receipt added meanwhile ends it at once", async (t) => {
  const store = createReceiptStore();
  // Node's timers may fire up to a millisecond early by performance.now(): the store must not.
  for (let i = 0; i < 40; i++) {
    const started = performance.now();
    const r = await store.wait(sha256(utf8(`absent ${i}`)), 3 + (i % 5));
    const waited = performance.now() - started;
    t.is(r, undefined);
    t.true(waited >= 3 + (i % 5), `waited ${waited.toFixed(3)} ms for ${3 + (i % 5)}`);
  }
  const r = receipt(mine, 7);
  const started = performance.now();
  const pending = store.wait(r.txHash, 5_000);
  setTimeout(() => store.add(signReceipt(r, mine), r, 1), 20);
  const got = await pending;
  t.deepEqual(got?.receipt.txHash, r.txHash);
  t.true(performance.now() - started < 2_000);
});

test("a flood of signed rejections evicts only rejections: every admitted tx's receipt stays", (t) => {
  // A rejection costs its sender nothing (CheckTx charges no fee): 120,000 junk txs once pushed
  // an honest committed tx's receipt out of a node's 100,000-entry store.
  const store = createReceiptStore({ capacity: 100, rejectedCapacity: 10 });
  const rejection = (i: number): Receipt => ({
    ...receipt(mine, 0),
    txHash: sha256(utf8(`junk ${i}`)),
    status: ReceiptStatus.RECEIPT_STATUS_REJECTED,
    code: 2,
    codespace: "sdk",
  });
  for (let i = 0; i < 50; i++) store.add(signReceipt(receipt(mine, i), mine), receipt(mine, i), i);
  for (let i = 0; i < 1_000; i++) store.add(signReceipt(rejection(i), mine), rejection(i), 100 + i);
  for (let i = 0; i < 50; i++) t.is(store.get(sha256(utf8(`tx ${i}`)))?.stage, "sequenced", `tx ${i}`);
  t.is(store.get(sha256(utf8("junk 999")))?.stage, "rejected", "the newest rejections are kept");
  t.is(store.get(sha256(utf8("junk 0"))), undefined, "the oldest rejections went");
  t.true(store.size <= 50 + 10, `size ${store.size}`);
  // Newest first across both: the newest rejections, then the receipts before them.
  const newest = store.newest(12, () => true).map((r) => r.stage);
  t.deepEqual(newest.slice(0, 2), ["rejected", "rejected"]);
  t.is(newest.at(-1), "sequenced");
  // A tx rejected once and sequenced later (re-sent when valid) is held as sequenced.
  const again = { ...receipt(mine, 77), txHash: sha256(utf8("junk 999")) };
  store.add(signReceipt(again, mine), again, 5_000);
  t.is(store.get(sha256(utf8("junk 999")))?.stage, "sequenced");
  t.is(store.newest(1, () => true)[0]?.stage, "sequenced");
});
