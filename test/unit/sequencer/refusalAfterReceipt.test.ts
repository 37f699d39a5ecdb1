/**
 * A refusal never contradicts a receipt: a tx the sequencer receipted (in flight or
 * committed) that comes back and fails CheckTx on its own, already used, sequence (a peer
 * re-sending its mempool after the seen-tx cache forgot the tx) gets no signed rejection,
 * and the receipt stays. A tx it never receipted still gets its signed refusal.
 */
import test from "ava";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import type { SpeculativeBlock } from "../../../chain/runtime/speculative.js";
import { ReceiptStatus } from "../../../chain/sequencer/receipt.js";
import { createReceiptStore } from "../../../chain/sequencer/receiptStore.js";
import { createSequencer } from "../../../chain/sequencer/sequencer.js";
import type { TxResult } from "../../../chain/types/abci.js";
import { utf8 } from "../../../chain/types/bytes.js";

const result = (code: number, log = ""): TxResult => ({
  code,
  codespace: code === 0 ? "" : "sdk",
  log,
  info: "",
  data: new Uint8Array(),
  gasWanted: 1n,
  gasUsed: 1n,
  events: [],
});

/** Every tx executes fine and is kept. */
function fakeBlock(height: bigint): SpeculativeBlock {
  return {
    height,
    execute: () => ({ result: result(0), included: true, kept: true }),
    query: () => new Uint8Array(),
    close: () => {},
    openNext: () => fakeBlock(height + 1n),
  } as unknown as SpeculativeBlock;
}

function setup() {
  const receipts = createReceiptStore();
  const published: unknown[] = [];
  const sequencer = createSequencer({
    chainId: "strike-test-1",
    app: { openSpeculativeBlock: (req) => fakeBlock(req.height) },
    pending: () => [],
    signer: createEd25519Signer(new Uint8Array(32).fill(9)),
    epoch: () => 0n,
    receipts,
    maxBlockBytes: 1 << 20,
    maxBlockGas: -1n,
    now: () => 0,
    publish: (s) => published.push(s),
  });
  sequencer.openHeight({
    height: 5n,
    time: { seconds: 1_700_000_000n, nanos: 0 },
    proposerAddress: new Uint8Array(20),
    evidence: [],
    misbehavior: [],
    decidedLastCommit: { votes: [] },
  });
  return { receipts, sequencer, published };
}

const mismatch = result(32, "account sequence mismatch, expected 4, got 3");

test("a receipted tx refused when it comes back keeps its receipt; nothing is signed for it", (t) => {
  const { receipts, sequencer, published } = setup();
  const tx = utf8("tx a");
  sequencer.admitted(tx);
  t.is(published.length, 1);
  sequencer.refused(tx, mismatch);
  t.is(published.length, 1, "no rejection signed");
  t.is(receipts.get(sha256(tx))?.receipt.status, ReceiptStatus.RECEIPT_STATUS_SEQUENCED);
  // Committed: still kept.
  receipts.blockCommitted(5n, [tx], [result(0)], 0);
  t.is(receipts.get(sha256(tx))?.stage, "committed");
  sequencer.refused(tx, mismatch);
  t.is(receipts.get(sha256(tx))?.stage, "committed");
  t.is(published.length, 1);
});

test("a tx never receipted gets its signed refusal", (t) => {
  const { receipts, sequencer, published } = setup();
  const tx = utf8("tx b");
  sequencer.refused(tx, mismatch);
  t.is(published.length, 1);
  t.is(receipts.get(sha256(tx))?.stage, "rejected");
});
