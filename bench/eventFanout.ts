/**
 * What a node's websocket subscribers cost it per event, in process (no sockets): the event
 * bus's publish with many traders each following their own receipts
 * (`tm.event='Receipt' AND receipt.account='…'`), and encoding a 1,000-tx block's NewBlock
 * push for many dashboards (chain/rpc/render/frames.ts; beside it, the per-subscriber
 * encoding it replaced, measured the same way). Each figure is also given over the
 * same figure for one subscriber measured in the same run: a cost that does not grow with
 * the number of subscribers stays near 1.
 *
 *   npx tsx bench/eventFanout.ts   (BENCH_SUBSCRIBERS=1,10,100 BENCH_EVENTS=50000 BENCH_BLOCKS=20)
 *   → bench/results/event-fanout.json
 */
import { loadavg } from "node:os";
import { createEventBus } from "../chain/indexer/eventBus.js";
import { eventMapOf } from "../chain/indexer/events.js";
import type { EventData } from "../chain/indexer/types.js";
import { eventMessageJson } from "../chain/rpc/render/events.js";
import { eventFrame } from "../chain/rpc/render/frames.js";
import type { FinalizeBlockResponse, TxResult } from "../chain/types/abci.js";
import type { Block, BlockId } from "../chain/types/block.js";
import { writeResult } from "./lib/machine.js";
import { runAsNode } from "./lib/nodeFlags.js";

runAsNode(import.meta.url);

const SUBSCRIBERS = (process.env.BENCH_SUBSCRIBERS ?? "1,10,100").split(",").map(Number);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 20);
const BLOCK_TXS = 1000;

const account = (i: number) => `strike1trader${i.toString().padStart(4, "0")}`;

/** µs per Receipt event published, with `n` subscribers each following one account's receipts. */
function receiptPublish(n: number): { microsPerEvent: number; delivered: number } {
  const bus = createEventBus({ maxClients: n + 2, maxSubscriptionsPerClient: 5 });
  let delivered = 0;
  for (let i = 0; i < n; i++)
    bus.subscribe(`trader${i}`, `tm.event='Receipt' AND receipt.account='${account(i)}'`, () => void delivered++);
  bus.subscribe("dashboard", "tm.event='NewBlock'", () => void delivered++);
  const events: EventData[] = Array.from({ length: 1000 }, (_, k) => ({
    type: "Receipt",
    value: { k },
    attributes: new Map([
      ["receipt.account", [account(k % Math.max(n, 1)), account((k * 7 + 3) % Math.max(n, 1))]],
      ["receipt.stage", ["sequenced"]],
    ]),
  }));
  for (let k = 0; k < 5000; k++) bus.publish(events[k % events.length]!); // warm-up
  delivered = 0;
  const t0 = performance.now();
  for (let k = 0; k < EVENTS; k++) bus.publish(events[k % events.length]!);
  return { microsPerEvent: ((performance.now() - t0) * 1000) / EVENTS, delivered };
}

const z = new Uint8Array(32);
const blockId: BlockId = { hash: z, partSetHeader: { total: 1, hash: z } };
function bigBlock(height: bigint): EventData {
  const txs = Array.from({ length: BLOCK_TXS }, (_, i) => new Uint8Array(220).fill(i & 0xff));
  const result: TxResult = {
    code: 0,
    codespace: "",
    log: "",
    info: "",
    data: new Uint8Array(),
    gasWanted: 200_000n,
    gasUsed: 61_000n,
    events: ["coin_spent", "coin_received", "transfer", "message", "tx"].map((type) => ({
      type,
      attributes: [
        { key: "sender", value: account(1), index: true },
        { key: "recipient", value: account(2), index: true },
        { key: "amount", value: "1uusdc", index: true },
      ],
    })),
  };
  const results: FinalizeBlockResponse = {
    events: [],
    txResults: txs.map(() => result),
    validatorUpdates: [],
    appHash: z,
  };
  const block: Block = {
    header: {
      version: { block: 11n, app: 1n },
      chainId: "strike-bench-1",
      height,
      time: { seconds: 1_700_000_000n + height, nanos: 0 },
      lastBlockId: blockId,
      lastCommitHash: z,
      dataHash: z,
      validatorsHash: z,
      nextValidatorsHash: z,
      consensusHash: z,
      appHash: z,
      lastResultsHash: z,
      evidenceHash: z,
      proposerAddress: new Uint8Array(20),
    },
    txs,
    evidence: [],
    lastCommit: { height: height - 1n, round: 0, blockId, signatures: [] },
  };
  return { type: "NewBlock", block, blockId, resultFinalizeBlock: results };
}

/**
 * ms per block to encode its NewBlock push for `n` dashboards (each a frame of its own), and,
 * as the reference, the way it was done before frames.ts: the whole message stringified and
 * encoded for each subscriber.
 */
function newBlockPush(n: number): {
  msPerBlock: number;
  perSubscriberEncodingMsPerBlock: number;
  megabytesPerPush: number;
} {
  const blocks = Array.from({ length: BLOCKS + 2 }, (_, i) => bigBlock(BigInt(i + 1)));
  let bytes = 0;
  const push = (data: EventData) => {
    const events = eventMapOf(data);
    for (let i = 0; i < n; i++) {
      const f = eventFrame(i + 1, { query: "tm.event='NewBlock'", data, events });
      bytes = f.head.length + f.body.length;
    }
  };
  push(blocks[0]!);
  push(blocks[1]!); // warm-up
  const t0 = performance.now();
  for (const b of blocks.slice(2)) push(b);
  const msPerBlock = (performance.now() - t0) / BLOCKS;
  const naiveBlocks = Math.max(1, Math.min(BLOCKS, Math.floor(60 / n)));
  const t1 = performance.now();
  for (const data of blocks.slice(2, 2 + naiveBlocks)) {
    const events = eventMapOf(data);
    for (let i = 0; i < n; i++) {
      const msg = { query: "tm.event='NewBlock'", data, events };
      bytes = Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: i + 1, result: eventMessageJson(msg) })).length;
    }
  }
  return {
    msPerBlock,
    perSubscriberEncodingMsPerBlock: (performance.now() - t1) / naiveBlocks,
    megabytesPerPush: Math.round(bytes / 1e4) / 100,
  };
}

const receipts = SUBSCRIBERS.map((n) => ({ subscribers: n, ...receiptPublish(n) }));
const pushes = SUBSCRIBERS.map((n) => ({ subscribers: n, ...newBlockPush(n) }));
const one = (xs: { subscribers: number }[]) => xs.find((x) => x.subscribers === 1);
const r1 = one(receipts) as (typeof receipts)[number] | undefined;
const p1 = one(pushes) as (typeof pushes)[number] | undefined;
const path = writeResult("event-fanout", {
  config: { events: EVENTS, blocks: BLOCKS, blockTxs: BLOCK_TXS },
  loadAverage: loadavg(),
  receiptPublish: receipts.map((r) => ({
    ...r,
    microsPerEvent: Number(r.microsPerEvent.toFixed(3)),
    overOneSubscriber: r1 === undefined ? null : Number((r.microsPerEvent / r1.microsPerEvent).toFixed(2)),
  })),
  newBlockPush: pushes.map((p) => ({
    ...p,
    msPerBlock: Number(p.msPerBlock.toFixed(2)),
    perSubscriberEncodingMsPerBlock: Number(p.perSubscriberEncodingMsPerBlock.toFixed(2)),
    overOneSubscriber: p1 === undefined ? null : Number((p.msPerBlock / p1.msPerBlock).toFixed(2)),
  })),
});
console.log(`wrote ${path}`);
