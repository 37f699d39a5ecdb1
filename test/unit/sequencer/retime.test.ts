/**
 * An opened height keeps the time of its opening only once something was promised under it.
 * With create_empty_blocks off a height opens at the commit before it and may then sit empty
 * for an hour: its first tx (or an empty block proposed after the idle interval) gets the
 * current time, not the hour-old one. A height with a receipt keeps its time, since the
 * receipt's result was computed under it; a signed rejection promises nothing.
 */
import test from "ava";
import { timestampToNs } from "../../../chain/consensus/blockFactory.js";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import type { SpeculativeBlock, SpeculativeBlockRequest } from "../../../chain/runtime/speculative.js";
import { createReceiptStore } from "../../../chain/sequencer/receiptStore.js";
import { RETIME_AFTER_MS } from "../../../chain/sequencer/pipeline.js";
import { createSequencer } from "../../../chain/sequencer/sequencer.js";
import type { TxResult } from "../../../chain/types/abci.js";
import { utf8 } from "../../../chain/types/bytes.js";

const OPENED_MS = 1_700_000_000_000;
const HOUR_MS = 3_600_000;

const result = (code: number): TxResult => ({
  code,
  codespace: code === 0 ? "" : "sdk",
  log: "",
  info: "",
  data: new Uint8Array(),
  gasWanted: 1n,
  gasUsed: 1n,
  events: [],
});

/** Txs starting with "bad" fail before their fee (signed rejection); the rest are kept. Records each request's time. */
function setup() {
  let nowMs = OPENED_MS;
  const openedAt: number[] = [];
  const fakeBlock = (req: SpeculativeBlockRequest): SpeculativeBlock => {
    openedAt.push(Number(timestampToNs(req.time) / 1_000_000n));
    return {
      height: req.height,
      execute: (tx: Uint8Array) =>
        Buffer.from(tx).toString().startsWith("bad")
          ? { result: result(5), included: false, kept: false }
          : { result: result(0), included: true, kept: true },
      query: () => new Uint8Array(),
      close: () => {},
      openNext: (next: SpeculativeBlockRequest) => fakeBlock(next),
    } as unknown as SpeculativeBlock;
  };
  const published: unknown[] = [];
  const sequencer = createSequencer({
    chainId: "strike-test-1",
    app: { openSpeculativeBlock: fakeBlock },
    pending: () => [],
    signer: createEd25519Signer(new Uint8Array(32).fill(9)),
    epoch: () => 0n,
    receipts: createReceiptStore(),
    maxBlockBytes: 1 << 20,
    maxBlockGas: -1n,
    now: () => nowMs,
    mayPipeline: () => true,
    publish: (s) => published.push(s),
  });
  sequencer.openHeight({
    height: 5n,
    time: { seconds: BigInt(OPENED_MS / 1000), nanos: 0 },
    proposerAddress: new Uint8Array(20),
    evidence: [],
    misbehavior: [],
    decidedLastCommit: { votes: [] },
  });
  const sealedMs = (height: bigint): number => {
    const s = sequencer.sealBlock(height);
    if (s === undefined || s === "abstain") throw new Error(`height ${height} not sealed: ${String(s)}`);
    return Number(timestampToNs(s.time) / 1_000_000n);
  };
  return { sequencer, openedAt, published, sealedMs, advance: (ms: number) => (nowMs += ms) };
}

test("an opened height idle for an hour takes the time its first tx arrives at", (t) => {
  const { sequencer, openedAt, sealedMs, advance } = setup();
  advance(HOUR_MS);
  t.true(sequencer.arrived(utf8("tx a")));
  t.deepEqual(openedAt, [OPENED_MS, OPENED_MS + HOUR_MS], "re-opened at the current time before executing the tx");
  t.is(sealedMs(5n), OPENED_MS + HOUR_MS);
});

test("a height with a receipt keeps its time: the receipt was computed under it", (t) => {
  const { sequencer, openedAt, sealedMs, advance } = setup();
  advance(RETIME_AFTER_MS / 2);
  t.true(sequencer.arrived(utf8("tx a")));
  advance(HOUR_MS);
  t.true(sequencer.arrived(utf8("tx b")));
  t.deepEqual(openedAt, [OPENED_MS]);
  t.is(sealedMs(5n), OPENED_MS);
});

test("a signed rejection promises nothing: the height is still re-timed for the first kept tx", (t) => {
  const { sequencer, openedAt, published, sealedMs, advance } = setup();
  advance(HOUR_MS);
  t.true(sequencer.arrived(utf8("bad tx")), "the rejection is signed");
  advance(HOUR_MS);
  t.true(sequencer.arrived(utf8("tx a")));
  t.is(published.length, 2);
  t.is(sealedMs(5n), OPENED_MS + 2 * HOUR_MS);
  t.is(openedAt.at(-2), OPENED_MS + 2 * HOUR_MS, "the kept tx ran on the re-opened height");
});

test("an empty height sealed after an idle wait carries the time it is sealed at; its next height opens after it", (t) => {
  const { sealedMs, openedAt, advance } = setup();
  advance(HOUR_MS);
  t.is(sealedMs(5n), OPENED_MS + HOUR_MS);
  // Pipelining opened height 6 on it: 1 ms later at least.
  t.true(openedAt.at(-1)! > OPENED_MS + HOUR_MS);
});

test("a height opened a moment ago keeps its time", (t) => {
  const { sequencer, openedAt, sealedMs, advance } = setup();
  advance(RETIME_AFTER_MS - 1);
  t.true(sequencer.arrived(utf8("tx a")));
  t.deepEqual(openedAt, [OPENED_MS]);
  t.is(sealedMs(5n), OPENED_MS);
});
